import { isoInstant, sameInstant } from '../../dates/iso-instant';
import { ok, type Problem, type Result } from '../../result';
import type { FileMatch, FollowExpectation, MdmAdapter, MdmProblem, MdmToken, RenewOutcome } from '../mdm-adapter';
import type { RenewalWriter } from '../renewal-writer';
import type { AppleClientConfig } from '../../apple/schemas';
import { describeScanOutcome, tokenExpiry, type AddigyApi } from './addigy-client';
import { matchAddigyToken } from './match-addigy-token';
import type { AddigyToken } from './schemas';
import { t } from '../../i18n/messages';

/**
 * Addigy as an MDM adapter like the others. Its API only reads (call 1, the token list); a renewal is written by
 * its console writer in Addigy's web console. It lists Apple's location identifier, so a file is matched by `uId`.
 */
export class AddigyAdapter implements MdmAdapter {
  readonly kind = 'addigy' as const;
  readonly writes = 'console' as const;
  readonly matchesBy = 'uid' as const;
  /** Addigy's own answer behind each token this adapter listed (its sync status and words). */
  private readonly listed = new WeakMap<MdmToken, AddigyToken>();

  constructor(
    private readonly client: AddigyApi,
    readonly writer?: RenewalWriter,
  ) {}

  /** One token per location: the copy that owns it (inherited copies name their source). */
  async listTokens(): Promise<Result<MdmToken[], MdmProblem>> {
    const list = await this.client.listTokens();
    if (!list.ok) return list;
    const owning = new Map<string, AddigyToken>();
    for (const token of list.value) {
      const known = owning.get(token.locationId);
      if (!known || (known.inheritedFrom && !token.inheritedFrom)) owning.set(token.locationId, token);
    }
    return ok(
      [...owning.values()].map((raw) => {
        const token = mdmTokenOf(raw);
        this.listed.set(token, raw);
        return token;
      }),
    );
  }

  /** relay-contract.md, "Matching": Apple's `uId` decides; without Apple, the file's organisation and location names. */
  matchFile(tokens: MdmToken[], file: { apple?: { uId: string }; orgName: string; locationName?: string }): Result<FileMatch, Problem<'no-match' | 'ambiguous'>> {
    const raws = tokens.map((token) => this.listed.get(token) ?? addigyTokenOf(token));
    const match = matchAddigyToken({ tokens: raws, apple: file.apple as AppleClientConfig | undefined, file });
    if (!match.ok) return match;
    const token = tokens[raws.indexOf(match.value.token)]!;
    return ok({ tokens: [token], strength: match.value.strength });
  }

  /**
   * After a Save, Addigy rescans: done when its expiry is the file's and a successful sync is later than the Save.
   * An error seen before Addigy ever reported syncing may be the previous scan's: look once more.
   */
  outcome(token: MdmToken, expected: FollowExpectation): RenewOutcome {
    const raw = this.listed.get(token) ?? addigyTokenOf(token);
    const expiry = token.expiresAt;
    // Addigy's expiry must become the file's: until then the save has not shown up in its API.
    const oldExpiry = Boolean(expiry) && !sameInstant(expiry, expected.expiresAt);
    const scan = describeScanOutcome(raw, expected.since);
    if (scan.state === 'success' && !oldExpiry) return { state: 'done', lastSync: scan.lastSync, expiresAt: expiry ?? expected.expiresAt };
    if (scan.state === 'error' && (expected.sawSyncing || !expected.firstLook)) return { state: 'failed', problem: scan.problem, detail: scan.detail };
    return { state: 'pending', syncing: scan.state === 'syncing', unfinished: oldExpiry ? notSaved(expected.location) : SCAN_SLOW };
  }
}

function mdmTokenOf(raw: AddigyToken): MdmToken {
  const status = raw.lastSyncingStatus?.trim().toLowerCase();
  return {
    id: raw.locationId,
    policyId: raw.policyId ?? undefined,
    inheritedFrom: raw.inheritedFrom ?? undefined,
    uId: raw.clientConfig?.uId ?? undefined,
    locationName: raw.clientConfig?.locationName ?? undefined,
    orgName: raw.orgName ?? undefined,
    expiresAt: tokenExpiry(raw),
    lastSync: isoInstant(raw.lastSync),
    state: raw.syncing === true ? 'syncing' : status === 'error' ? 'sync-failed' : status === 'success' ? 'ok' : 'unknown',
    stateDetail: raw.errMsg ?? undefined,
  };
}

/** A token listed by something other than this adapter, in Addigy's shape. */
function addigyTokenOf(token: MdmToken): AddigyToken {
  return {
    locationId: token.id,
    policyId: token.policyId ?? null,
    inheritedFrom: token.inheritedFrom ?? null,
    orgName: token.orgName ?? null,
    expDate: token.expiresAt ?? null,
    clientConfig: { uId: token.uId ?? null, locationName: token.locationName ?? null },
    syncing: token.state === 'syncing',
    lastSyncingStatus: token.state === 'ok' ? 'success' : token.state === 'sync-failed' ? 'error' : null,
    lastSync: token.lastSync ?? null,
    errMsg: token.stateDetail ?? null,
  } as AddigyToken;
}

function notSaved(location = t('problemThisLocation')): Problem {
  return {
    kind: 'not-saved',
    message: t('problemAddigysPageAcceptedTheSaveBut', location),
    nextStep: t('problemCheckTheTokenInAddigyPolicy'),
  };
}

const SCAN_SLOW: Problem = {
  kind: 'scan-slow',
  message: t('problemTheTokenWasSavedInAddigy'),
  nextStep: t('problemChooseRetryToKeepWatchingOr2'),
};
