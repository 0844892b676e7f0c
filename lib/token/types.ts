import type { Problem } from '../result';

/** Apple refuses anything larger than this long before we would; reject before decoding. */
export const MAX_VPP_TOKEN_BYTES = 64 * 1024;

/** A decoded `.vpptoken` file. `text` is the bearer secret: keep it in the background worker. */
export interface VppToken {
  /** The whole file text, BOM and surrounding whitespace removed: what Apple and Addigy expect. */
  text: string;
  /** The inner opaque organisational-unit id. Never sent on its own (Apple answers 9622). */
  token: string;
  orgName: string;
  /** Expiry as an ISO-8601 UTC string. */
  expiresAt: string;
}

export type TokenProblemKind =
  | 'too-large'
  | 'not-a-token-file'
  | 'not-base64'
  | 'not-json'
  | 'missing-field'
  | 'bad-expiry'
  | 'expired';

export interface TokenProblem extends Problem<TokenProblemKind> {
  /** For `missing-field`: which field of the decoded file was missing or empty. */
  field?: 'token' | 'orgName' | 'expDate';
  /** For `expired`: when the token expired, as an ISO-8601 UTC string. */
  expiredAt?: string;
}
