/** NetBox's filterset rules live in the core, shared with the admin API (src/core/store/filterset.ts). */
export {
  and,
  booleans,
  dateFilter,
  defineFilterSet,
  inIds,
  intFilter,
  integers,
  isBrief,
  or,
  ordering,
  textFilter,
  values,
  type Conditions,
  type FilterSet,
  type Query,
} from '../../core/ports.js';
