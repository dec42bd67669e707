import type { Generated } from 'kysely';

export interface DataKeyTable {
  id: Generated<number>;
  wrapped_key: string;
  root_key_id: string;
  state: 'active' | 'retired';
  created: string;
}

export interface KeyringTables {
  core_data_keys: DataKeyTable;
}
