import type {
  KyselyPlugin,
  PluginTransformQueryArgs,
  PluginTransformResultArgs,
  QueryResult,
  RootOperationNode,
  UnknownRow,
} from 'kysely';
import { HushError } from '../errors.js';

/**
 * PostgreSQL cannot store U+0000 in a text value ("invalid byte sequence for encoding UTF8: 0x00"), so a NUL in any
 * name, filter or path reaching a query was a 500 there while SQLite stored it. Every query's values are checked
 * before it runs, on both dialects, so the same input gets the same answer everywhere: a 400. Secret values are
 * sealed before they are stored, so a NUL inside one is still kept.
 */
export const nulInText = (): HushError =>
  new HushError('invalid', 'Text may not contain the NUL character (U+0000).', { reason: 'nul_in_text' });

export const textGuard: KyselyPlugin = {
  transformQuery(args: PluginTransformQueryArgs): RootOperationNode {
    if (holdsNul(args.node)) throw nulInText();
    return args.node;
  },
  transformResult: async (args: PluginTransformResultArgs): Promise<QueryResult<UnknownRow>> => args.result,
};

/** Walks the operation tree: values, identifiers and raw SQL alike (no identifier holds a NUL either). */
function holdsNul(node: unknown): boolean {
  if (typeof node === 'string') return node.includes('\u0000');
  if (node === null || typeof node !== 'object' || node instanceof Uint8Array) return false;
  for (const value of Array.isArray(node) ? node : Object.values(node)) if (holdsNul(value)) return true;
  return false;
}
