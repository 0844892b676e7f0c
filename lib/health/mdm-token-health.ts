import { MDM_LABELS, type MdmKind, type MdmToken, type MdmTokenState } from '../mdm/mdm-adapter';
import type { HealthState, TokenHealth } from './health-state';
import { plural, t } from '../i18n/messages';

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
    let reason = reported?.reason ?? t('healthMdmValid');
    let nextStep = reported?.nextStep;
    if (expiredByDate && (state === 'valid' || state === 'syncing')) {
      state = 'expired';
      reason = daysLeft === 0 ? t('healthExpiredToday') : plural('healthExpiredDaysAgo', -(daysLeft ?? 0));
      nextStep = t('nextStepMdmDownload', connection.name);
    } else if (state === 'valid' && daysLeft !== undefined && daysLeft <= input.reminderWindowDays) {
      state = 'expiring-soon';
      reason = plural('healthExpiresIn', daysLeft);
      nextStep = t('nextStepMdmDownload', connection.name);
    } else if (state === 'valid' && daysLeft !== undefined) {
      reason = plural('healthMdmValidFor', daysLeft);
    }
    return {
      locationId,
      connectionName: connection.name,
      mdm: connection.kind,
      locationName: token.locationName?.trim() || token.orgName?.trim() || t('unnamedLocation'),
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
  // The MDM's own words, when it gave any, after the reason.
  const said = (reason: string) => (detail ? t('reasonWithMdmWords', reason, t('mdmSays', mdm, detail)) : reason);
  switch (state) {
    case 'expired':
      return { state: 'expired', reason: said(t('healthMdmExpired', mdm)), nextStep: t('nextStepMdmDownloadWithTokenRelay') };
    case 'revoked':
      return {
        state: 'revoked',
        reason: said(t('healthMdmRevoked', mdm)),
        nextStep: t('nextStepMdmRevoked'),
      };
    case 'invalid':
    case 'duplicate-location':
      return {
        state: 'invalid',
        reason: said(state === 'duplicate-location' ? t('healthMdmDuplicate', mdm) : t('healthMdmInvalid', mdm)),
        nextStep: state === 'duplicate-location' ? t('nextStepMdmDuplicate', mdm) : t('nextStepMdmInvalid'),
      };
    case 'other-server':
      return {
        state: 'other-mdm',
        reason: said(t('healthMdmOtherServer', mdm)),
        nextStep: t('nextStepMdmOtherServer', mdm),
      };
    case 'sync-failed':
      return { state: 'sync-failed', reason: said(t('healthMdmSyncFailed', mdm)), nextStep: t('nextStepMdmSyncFailed', mdm) };
    case 'syncing':
      return { state: 'syncing', reason: t('healthMdmSyncing', mdm) };
    default:
      return undefined;
  }
}
