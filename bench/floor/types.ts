// What the bench sends the floor server (bench/floor/server.ts) over IPC: per scenario, the data to store and the
// shape of the answer. Plain JSON, so it crosses the process boundary as it is.

/** One row of a listing (or the one object of a single read), split into what is stored plain and what sealed. */
export interface FloorRow {
  /** names the row in the audit entry and in the AES-GCM associated data */
  id: string;
  /** the row's fields in the answer's order; the sealed ones hold null here and are filled in per request */
  doc: Record<string, unknown>;
  /** fields sealed at rest (one AES-256-GCM ciphertext per row, of their JSON), decrypted on every request */
  sealed: Record<string, unknown> | null;
}

/** The audit entry a read of plaintext appends (one per request, naming every object it revealed). */
export interface FloorAudit {
  engine: string;
  action: string;
  objectType: string;
}

interface Common {
  /** the scenario's name: its route is /floor/<name> */
  name: string;
  /** the bearer token the scenario's request carries; the floor stores only its SHA-256 */
  token: string;
  /** the permission a lookup must find for the token's user */
  permission: string;
  /** Hush's answer headers (constant ones: security headers, content type), sent as they are */
  headers: Record<string, string>;
  /** Hush's answer, parsed: the parts that do not come from the database are sent as they are */
  template: unknown;
}

/** A listing or a single read: rows from the database, sealed fields decrypted, placed in the template. */
export interface RowsScenario extends Common {
  kind: 'rows';
  rows: FloorRow[];
  /** where the rows go in the template ([] = the answer is the array) */
  rowsAt: string[];
  /** the answer holds one object, not an array */
  single: boolean;
  /** where a `count` of the rows goes, for paginated listings */
  countAt: string[] | null;
  /** LIMIT of the page query */
  limit: number;
  audit: FloorAudit | null;
  /**
   * Phase: the decrypted rows are kept per revision of the scope (an environment), and each request reads the
   * revision first; rows are decrypted again only when it has moved (a write anywhere bumps it).
   */
  snapshot: boolean;
  /** resolve `${KEY}` references between the decrypted values (Phase), in this field */
  referencesIn: string | null;
  /** NetBox: the values are sealed with a master key that this session key (the X-Session-Key header) unlocks */
  sessionKey: string | null;
  /** Passbolt: the envelope's `header.id` and `header.servertime` are made afresh per request */
  freshHeader: boolean;
  /** Passbolt: `/` is written `\/`, as PHP's json_encode does */
  escapeSlashes: boolean;
}

/** A template whose `${{ secret.KEY }}` references are replaced by the values, each looked up by key. */
export interface RenderScenario extends Common {
  kind: 'render';
  values: Array<{ id: string; key: string; value: string }>;
  audit: FloorAudit;
}

/** A NetBox session key: the caller's private key (in the request) opens the master key with RSA-OAEP. */
export interface SessionKeyScenario extends Common {
  kind: 'session-key';
  /** the private key the scenario's requests carry, PEM; its public half encrypts the stored master key copy */
  privateKey: string;
  audit: FloorAudit;
}

export type FloorScenario = RowsScenario | RenderScenario | SessionKeyScenario;

export interface FloorStart {
  /** the SQLite file the floor creates and uses */
  databaseFile: string;
  scenarios: FloorScenario[];
}

/** Asks the floor to run RSA-OAEP decryptions in a loop, nothing else, for `seconds`. */
export interface RsaLoopRequest {
  rsaLoop: { scenario: string; seconds: number };
}

export interface RsaLoopAnswer {
  rsa: { operations: number; seconds: number; cpuMicros: number };
}

/** Asks the floor to walk its audit chain, to show that the entries it wrote per request are whole and linked. */
export interface VerifyRequest {
  verifyAudit: true;
}

export interface VerifyAnswer {
  audit: { entries: number; ok: boolean; firstBad: number | null };
}
