/**
 * The health vocabulary shared by the background and the popup. No imports: the popup bundle
 * takes these without pulling in Addigy's client or zod.
 */

/** Named after Microsoft Graph's `vppToken` states, plus Addigy's own sync states. */
export type HealthState =
  | 'valid'
  | 'expiring-soon'
  | 'expired'
  | 'revoked'
  | 'invalid'
  | 'syncing'
  | 'sync-failed'
  | 'other-mdm';

/**
 * Most serious first; when several signals apply to one token, the first wins.
 * Revoked and invalid outrank the date (a revoked token with a far-off expiry is still dead);
 * a failure outranks "another MDM", which outranks the calendar; "syncing" only says what is
 * happening now, so any real finding beats it.
 */
export const HEALTH_PRIORITY: readonly HealthState[] = [
  'revoked',
  'invalid',
  'expired',
  'sync-failed',
  'other-mdm',
  'expiring-soon',
  'syncing',
  'valid',
];

/** States that raise the red badge and a one-off notification. */
export const UNHEALTHY_STATES: readonly HealthState[] = ['revoked', 'invalid', 'expired', 'sync-failed'];

export const isUnhealthy = (state: HealthState) => UNHEALTHY_STATES.includes(state);

export interface TokenHealth {
  /** The token's key: Addigy's id of the token location; for other connections `<connectionId>:<the MDM's id>`. */
  locationId: string;
  /** The connection that holds the token, by name; absent for the Addigy connection of Options' Addigy section. */
  connectionName?: string;
  /** Which MDM that connection is (lib/mdm MDM_KINDS); absent means Addigy. */
  mdm?: 'addigy' | 'jamf-pro' | 'intune' | 'fleet';
  locationName: string;
  orgName: string;
  /** `https://business.apple.com` or `https://school.apple.com`, nothing else. */
  websiteURL: AppleSite;
  /** ISO-8601 UTC. */
  expiresAt?: string;
  expirySource: 'addigy' | 'last-renewal' | 'unknown';
  /** Whole days until expiry, rounded up (1 = under a day left); 0 or less once expired. */
  daysLeft?: number;
  /** Addigy's last successful sync, ISO-8601 UTC. */
  lastSync?: string;
  state: HealthState;
  /** One plain sentence: why this state. Never holds token text. */
  reason: string;
  /** What the admin should do, when there is something to do. */
  nextStep?: string;
}

export type AppleSite = 'https://business.apple.com' | 'https://school.apple.com';

/** Only Apple's two consoles: a link built from Addigy's data must not lead anywhere else. */
export function appleSite(websiteURL: string | null | undefined): AppleSite {
  let host = '';
  try {
    host = new URL(websiteURL ?? '').host.toLowerCase();
  } catch {
    host = '';
  }
  return host === 'school.apple.com' ? 'https://school.apple.com' : 'https://business.apple.com';
}

export const appleSiteName = (site: AppleSite) =>
  site === 'https://school.apple.com' ? 'Apple School Manager' : 'Apple Business Manager';

/** The console page that lists content tokens, with their Download controls. */
export const contentTokensPage = (site: AppleSite) => `${site}/#/main/preferences/paymentsandbilling/appsandbooks`;
