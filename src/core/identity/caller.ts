import type { TokenId, UserId } from '../ids.js';

/** Who is making a request, as established by the core before any engine handler runs. */
export interface Caller {
  readonly user: {
    readonly id: UserId;
    readonly username: string;
    readonly kind: 'person' | 'service';
    readonly isSuperuser: boolean;
  };
  /** The API token used, or null for a cookie session. */
  readonly tokenId: TokenId | null;
  readonly sessionId: number | null;
  /** False for read-only tokens: the core refuses their unsafe requests before the handler runs. */
  readonly writeEnabled: boolean;
  /** The one engine the token is confined to (core_tokens.engine); absent or null: any. */
  readonly tokenEngine?: string | null;
}
