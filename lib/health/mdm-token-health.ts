import { MDM_LABELS, type MdmKind, type MdmToken, type MdmTokenState } from '../mdm/mdm-adapter';
import type { HealthState, TokenHealth } from './health-state';

const DAY_MS = 86_400_000;

export interface MdmHealthInput {
  connection: { id: string; name: string; kind: MdmKind };
  tokens: MdmToken[];
  now: Date;
  reminderWindowDays: number;
  /** The expiry of the last renewal made here, by TokenHealth key, for an MDM that does not list one. */
  lastRenewalExpiry?: Record<string, string>;
}

/** The key a token of a connection goes by in the overview, reminders and snoozes. */
export const mdmHealthKey = (connectionId: string, tokenId: string) => `${connectionId}:${tokenId}`;

/** What an MDM that renews through its API says about its tokens, in the cockpit's vocabulary. */
export function deriveMdmTokenHealth(input: MdmHealthInput): TokenHealth[] {
  const { connection, now } = input;
  const mdm = MDM_LABELS[connection.kind];
  return input.tokens.map((token) => {
    const locationId = mdmHealthKey(connection.id, token.id);
    const fromMdm = token.expiresAt;
    const fromRenewal = input.lastRenewalExpiry?.[locationId];
    const expiresAt = fromMdm ?? fromRenewal;
    const daysLeft = expiresAt === undefined ? undefined : Math.ceil((Date.parse(expiresAt) - now.getTime()) / DAY_MS) || 0;
    const expiredByDate = expiresAt !== undefined && Date.parse(expiresAt) <= now.getTime();
    const reported = judge(token.state, mdm, token.stateDetail);
    let state: HealthState = reported?.state ?? 'valid';
    let reason = reported?.reason ?? 'The token is valid.';
    let nextStep = reported?.nextStep;
    if (expiredByDate && (state === 'valid' || state === 'syncing')) {
      state = 'expired';
      reason = daysLeft === 0 ? 'The token expired today.' : `The token expired ${plural(-(daysLeft ?? 0))} ago.`;
      nextStep = `Download a fresh token in Apple Business Manager and send it to ${connection.name}.`;
    } else if (state === 'valid' && daysLeft !== undefined && daysLeft <= input.reminderWindowDays) {
      state = 'expiring-soon';
      reason = `The token expires in ${plural(daysLeft)}.`;
      nextStep = `Download a fresh token in Apple Business Manager and send it to ${connection.name}.`;
    } else if (state === 'valid' && daysLeft !== undefined) {
      reason = `The token is valid for ${plural(daysLeft)}.`;
    }
    return {
      locationId,
      connectionName: connection.name,
      mdm: connection.kind,
      locationName: token.locationName?.trim() || token.orgName?.trim() || 'Unnamed location',
      orgName: token.orgName?.trim() ?? '',
      websiteURL: 'https://business.apple.com',
      expiresAt,
      expirySource: fromMdm ? 'addigy' : fromRenewal ? 'last-renewal' : 'unknown',
      daysLeft,
      lastSync: token.lastSync,
      state,
      reason,
      nextStep,
    };
  });
}

function judge(state: MdmTokenState, mdm: string, detail: string | undefined): { state: HealthState; reason: string; nextStep?: string } | undefined {
  const said = detail ? ` ${mdm} says: “${detail}”` : '';
  switch (state) {
    case 'expired':
      return { state: 'expired', reason: `${mdm} reports the token as expired.${said}`, nextStep: 'Download a fresh token in Apple Business Manager and send it with Token Relay.' };
    case 'revoked':
      return {
        state: 'revoked',
        reason: `${mdm} reports that Apple revoked the token (a newer download, or a password change).${said}`,
        nextStep: 'Download a fresh token and send it with Token Relay. Only the newest download works.',
      };
    case 'invalid':
    case 'duplicate-location':
      return {
        state: 'invalid',
        reason:
          state === 'duplicate-location'
            ? `${mdm} has another token for the same Apple location.${said}`
            : `${mdm} reports the token as invalid.${said}`,
        nextStep:
          state === 'duplicate-location'
            ? `Remove the duplicate token in ${mdm}, then renew the one that stays.`
            : 'Download a fresh token and send it with Token Relay.',
      };
    case 'other-server':
      return {
        state: 'other-mdm',
        reason: `Apple says another MDM server uses this location, not this ${mdm}.${said}`,
        nextStep: `Reclaim the location in ${mdm} if it should manage it, or remove the connection's copy.`,
      };
    case 'sync-failed':
      return { state: 'sync-failed', reason: `${mdm}'s last sync with Apple failed.${said}`, nextStep: `Sync the token in ${mdm} again; if it fails again, download a fresh token and send it.` };
    case 'syncing':
      return { state: 'syncing', reason: `${mdm} is syncing the licences with Apple.` };
    default:
      return undefined;
  }
}

const plural = (n: number) => `${n} day${n === 1 ? '' : 's'}`;
