import { err, ok, type Problem, type Result } from '../../result';
import {
  isoInstant,
  MDM_LABELS,
  sameInstant,
  type MdmAdapter,
  type MdmProblem,
  type MdmToken,
  type MdmTokenState,
  type RenewOutcome,
} from '../mdm-adapter';
import { MdmHttp, transportOf, type MdmTransportOptions, type MdmRequest, type StatusProblem } from '../mdm-http';
import { checkIntuneSettings, INTUNE_GRAPH_PERMISSION, needsSignIn, refreshMicrosoftTokens, type MicrosoftTokens } from './microsoft-sign-in';
import { graphVppTokenPageSchema, graphVppTokenSchema, type GraphVppToken } from './schemas';
import { t } from '../../i18n/messages';

/**
 * Microsoft Intune through Microsoft Graph (see docs/mdm/intune.md): list the Apple VPP tokens (beta, for
 * `locationName`), renew one with the whole .vpptoken text (v1.0 PATCH), and ask Intune to sync it with Apple
 * (v1.0 `syncLicenses`). Intune shows the new expiry only after a sync, so a renewal is followed by `sync`.
 */

export const GRAPH_ORIGIN = 'https://graph.microsoft.com';
export const INTUNE_PATHS = {
  list: '/beta/deviceAppManagement/vppTokens',
  token: (id: string) => `/v1.0/deviceAppManagement/vppTokens/${encodeURIComponent(id)}`,
  /** Beta only: the vppToken's `claimTokenManagementFromExternalMdm` property is patched here (see reclaim). */
  claim: (id: string) => `/beta/deviceAppManagement/vppTokens/${encodeURIComponent(id)}`,
  sync: (id: string) => `/v1.0/deviceAppManagement/vppTokens/${encodeURIComponent(id)}/syncLicenses`,
} as const;

/** What the adapter keeps between runs: the lead stores it in the extension's IndexedDB. */
export interface IntuneSessionTokens {
  accessToken?: string;
  refreshToken?: string;
  /** The access token's expiry, epoch milliseconds. */
  expiresAt?: number;
}

export interface IntuneSession {
  load(): Promise<IntuneSessionTokens | undefined>;
  save(tokens: IntuneSessionTokens): Promise<void>;
}

export interface IntuneAdapterConfig extends MdmTransportOptions {
  tenantId: string;
  clientId: string;
  session: IntuneSession;
  now?: () => number;
}

const LABEL = MDM_LABELS.intune;
/** Refresh this long before the access token expires. */
export const ACCESS_TOKEN_MARGIN_MS = 60_000;
const MAX_PAGES = 50;
const TOKENS_PAGE = t('problemIntuneAdminCenterTenantAdministrationConnectors');
const FORBIDDEN_STEP = t('problemInTheMicrosoftEntraAdminCenter', INTUNE_GRAPH_PERMISSION);
const FRESH_FILE_STEP =
  t('problemDownloadAFreshTokenForThis');

const STATE_WORDS: Record<string, { state: MdmTokenState; message: string; nextStep: string }> = {
  expired: {
    state: 'expired',
    message: t('problemMicrosoftIntuneReportsThisLocationToken'),
    nextStep: FRESH_FILE_STEP,
  },
  invalid: {
    state: 'invalid',
    message: t('problemMicrosoftIntuneReportsThisLocationToken2'),
    nextStep: FRESH_FILE_STEP,
  },
  assignedToExternalMDM: {
    state: 'other-server',
    message: t('problemAppleSaysAnotherMDMServerManages'),
    nextStep: t('problemInTheOpenTheTokenSet', TOKENS_PAGE),
  },
  duplicateLocationId: {
    state: 'duplicate-location',
    message: t('problemMicrosoftIntuneAlreadyHasAnotherToken'),
    nextStep: t('problemInTheDeleteTheDuplicateToken', TOKENS_PAGE),
  },
};

/** Graph's state and last sync status, in Token Relay's vocabulary. */
export function intuneTokenState(state: string | null | undefined, lastSyncStatus: string | null | undefined): MdmTokenState {
  if (state === 'valid') {
    if (lastSyncStatus === 'failed') return 'sync-failed';
    if (lastSyncStatus === 'inProgress') return 'syncing';
    return 'ok';
  }
  return (state && STATE_WORDS[state]?.state) || 'unknown';
}

/** Graph writes "0001-01-01T00:00:00Z" for a date it never set. */
function graphInstant(text: string | null | undefined): string | undefined {
  const instant = isoInstant(text);
  return instant && !instant.startsWith('0001-') ? instant : undefined;
}

export function toMdmToken(token: GraphVppToken): MdmToken {
  const words = [token.state && `state “${token.state}”`, token.lastSyncStatus && `last sync “${token.lastSyncStatus}”`].filter(Boolean);
  const expiresAt = graphInstant(token.expirationDateTime);
  const lastSync = graphInstant(token.lastSyncDateTime);
  return {
    id: token.id,
    ...(token.locationName ? { locationName: token.locationName } : {}),
    ...(token.organizationName ? { orgName: token.organizationName } : {}),
    ...(token.appleId ? { appleId: token.appleId } : {}),
    ...(expiresAt ? { expiresAt } : {}),
    ...(lastSync ? { lastSync } : {}),
    state: intuneTokenState(token.state, token.lastSyncStatus),
    ...(words.length ? { stateDetail: `Intune: ${words.join(', ')}` } : {}),
  };
}

export class IntuneAdapter implements MdmAdapter {
  readonly kind = 'intune' as const;
  readonly writes = 'api' as const;
  readonly matchesBy = 'name' as const;

  private readonly http: MdmHttp;
  private readonly now: () => number;
  private readonly settingsProblem?: MdmProblem;
  /** The tokens in use, for redaction. */
  private current: IntuneSessionTokens = {};
  private refreshing?: Promise<Result<string, MdmProblem>>;

  constructor(private readonly config: IntuneAdapterConfig) {
    this.now = config.now ?? Date.now;
    this.settingsProblem = checkIntuneSettings(config.tenantId ?? '', config.clientId ?? '');
    this.http = new MdmHttp({
      label: LABEL,
      secrets: () => [this.current.accessToken, this.current.refreshToken],
      ...transportOf(config),
    });
  }

  async listTokens(): Promise<Result<MdmToken[], MdmProblem>> {
    const tokens: MdmToken[] = [];
    const seen = new Set<string>();
    let url: string | undefined = `${GRAPH_ORIGIN}${INTUNE_PATHS.list}`;
    for (let page = 1; url; page++) {
      const request: MdmRequest = { method: 'GET', url, doing: t('problemListingTheAppleVPPTokens'), headers: { accept: 'application/json' } };
      if (page > MAX_PAGES || seen.has(url)) {
        return err(this.http.badResponse(request, `Graph kept sending more pages after ${page - 1}.`));
      }
      seen.add(url);
      const answer = await this.call(request);
      if (!answer.ok) return answer;
      const parsed = this.http.parse(request, graphVppTokenPageSchema, answer.value);
      if (!parsed.ok) return parsed;
      tokens.push(...parsed.value.value.map(toMdmToken));
      const next = parsed.value['@odata.nextLink'] ?? undefined;
      // The bearer token goes to Graph only: a next page elsewhere is not followed.
      if (next && !next.startsWith(`${GRAPH_ORIGIN}/`)) {
        return err(this.http.badResponse(request, 'Graph pointed the next page of the list to another address; Token Relay did not follow it.'));
      }
      url = next;
    }
    return ok(tokens);
  }

  async renew(tokenId: string, fileText: string): Promise<Result<MdmToken | undefined, MdmProblem>> {
    const text = fileText.trim();
    if (!text) {
      return err({ kind: 'refused', message: t('problemTheTokenFileIsEmptySo2'), nextStep: FRESH_FILE_STEP, transient: false });
    }
    const request: MdmRequest = {
      method: 'PATCH',
      url: `${GRAPH_ORIGIN}${INTUNE_PATHS.token(tokenId)}`,
      headers: { 'content-type': 'application/json', accept: 'application/json' },
      body: JSON.stringify({ token: text }),
      doing: t('problemUploadingTheRenewedToken'),
      secrets: [text],
    };
    const answer = await this.call(request, renewProblem);
    if (!answer.ok) return answer;
    if (answer.value.status === 204 || answer.value.body === undefined) return ok(undefined);
    const parsed = this.http.parse(request, graphVppTokenSchema, answer.value);
    return parsed.ok ? ok(toMdmToken(parsed.value)) : parsed;
  }

  /**
   * Takes the location over from another MDM server (state `assignedToExternalMDM`). Microsoft Graph beta has no
   * separate action for it: `claimTokenManagementFromExternalMdm` is a Boolean property of the beta vppToken
   * ("Update vppToken", PATCH /deviceAppManagement/vppTokens/{id}; the -ClaimTokenManagementFromExternalMdm switch of
   * Update-MgBetaDeviceAppManagementVppToken), so it is PATCHed to true. Only after the admin's extra yes.
   */
  async reclaim(tokenId: string): Promise<Result<void, MdmProblem>> {
    const answer = await this.call(
      {
        method: 'PATCH',
        url: `${GRAPH_ORIGIN}${INTUNE_PATHS.claim(tokenId)}`,
        headers: { 'content-type': 'application/json', accept: 'application/json' },
        body: JSON.stringify({ '@odata.type': '#microsoft.graph.vppToken', claimTokenManagementFromExternalMdm: true }),
        doing: t('problemTakingTheLocationOverFromThe'),
      },
      // A gone token reads as for the renew; any other refusal keeps Microsoft's own words.
      (status, detail, request) => (status === 404 ? renewProblem(status, detail, request) : undefined),
    );
    return answer.ok ? ok(undefined) : answer;
  }

  async sync(tokenId: string): Promise<Result<void, MdmProblem>> {
    const answer = await this.call({
      method: 'POST',
      url: `${GRAPH_ORIGIN}${INTUNE_PATHS.sync(tokenId)}`,
      headers: { accept: 'application/json' },
      doing: t('problemAskingIntuneToSyncTheToken'),
      // Asking Intune to sync again is harmless.
      idempotent: true,
    });
    return answer.ok ? ok(undefined) : answer;
  }

  outcome(token: MdmToken, expected: { expiresAt: string; since: Date }): RenewOutcome {
    const syncedSince = token.lastSync !== undefined && Date.parse(token.lastSync) >= expected.since.getTime();
    if (token.state === 'syncing') return { state: 'pending' };
    if (token.state === 'ok' && sameInstant(token.expiresAt, expected.expiresAt)) {
      return { state: 'done', ...(token.lastSync ? { lastSync: token.lastSync } : {}), ...(token.expiresAt ? { expiresAt: token.expiresAt } : {}) };
    }
    // Before Intune has synced since the upload, its state and expiry are still the old token's.
    if (!syncedSince) return { state: 'pending' };
    const detail = token.stateDetail;
    if (token.state === 'sync-failed') {
      return failed(
        {
          kind: 'refused',
          message: t('problemMicrosoftIntuneUploadedTheTokenBut'),
          nextStep: t('problemInTheSelectTheTokenAnd', TOKENS_PAGE, FRESH_FILE_STEP.charAt(0).toLowerCase(), FRESH_FILE_STEP.slice(1)),
        },
        detail,
      );
    }
    const words = Object.values(STATE_WORDS).find((entry) => entry.state === token.state);
    if (words) return failed({ kind: 'refused', message: words.message, nextStep: words.nextStep }, detail);
    return { state: 'pending' };
  }

  /** One Graph call with a current access token; a 401 on a saved token earns one refresh and one retry. */
  private async call(request: MdmRequest, own?: StatusProblem): Promise<Result<{ status: number; body: unknown }, MdmProblem>> {
    if (this.settingsProblem) return err(this.settingsProblem);
    const token = await this.accessToken(false);
    if (!token.ok) return token;
    const first = await this.http.sendJson(withBearer(request, token.value), graphProblem(own));
    if (first.ok || first.error.kind !== 'needs-sign-in' || first.error.status !== 401 || token.value !== this.savedAccessToken) return first;
    const fresh = await this.accessToken(true);
    if (!fresh.ok) return fresh;
    return this.http.sendJson(withBearer(request, fresh.value), graphProblem(own));
  }

  /** The access token loaded from the session, not refreshed by this adapter. */
  private savedAccessToken?: string;

  private async accessToken(force: boolean): Promise<Result<string, MdmProblem>> {
    const saved = (await this.config.session.load().catch(() => undefined)) ?? {};
    this.current = { ...saved };
    const fresh = saved.accessToken && saved.expiresAt !== undefined && saved.expiresAt - ACCESS_TOKEN_MARGIN_MS > this.now();
    if (fresh && !force) {
      this.savedAccessToken = saved.accessToken;
      return ok(saved.accessToken!);
    }
    if (!saved.refreshToken) {
      return err(needsSignIn(saved.accessToken ? t('problemTheMicrosoftSignInForThis') : t('problemThisIntuneConnectionIsNotSigned')));
    }
    this.refreshing ??= this.refresh(saved.refreshToken).finally(() => {
      this.refreshing = undefined;
    });
    return this.refreshing;
  }

  private async refresh(refreshToken: string): Promise<Result<string, MdmProblem>> {
    const tokens = await refreshMicrosoftTokens({
      tenantId: this.config.tenantId,
      clientId: this.config.clientId,
      refreshToken,
      fetch: this.config.fetch,
      now: this.now,
      sleep: this.config.sleep,
      onRetry: this.config.onRetry,
      timeoutMs: this.config.timeoutMs,
      retry: this.config.retry,
    });
    if (!tokens.ok) {
      if (tokens.error.kind === 'needs-sign-in') await this.save({}).catch(() => undefined);
      return tokens;
    }
    await this.save(tokens.value);
    this.savedAccessToken = undefined;
    return ok(tokens.value.accessToken);
  }

  private async save(tokens: MicrosoftTokens | IntuneSessionTokens): Promise<void> {
    const next: IntuneSessionTokens = {
      ...(tokens.accessToken ? { accessToken: tokens.accessToken } : {}),
      ...(tokens.refreshToken ? { refreshToken: tokens.refreshToken } : {}),
      ...(tokens.expiresAt !== undefined ? { expiresAt: tokens.expiresAt } : {}),
    };
    this.current = { ...this.current, ...next };
    await this.config.session.save(next);
  }
}

function withBearer(request: MdmRequest, accessToken: string): MdmRequest {
  return { ...request, headers: { ...request.headers, authorization: `Bearer ${accessToken}` } };
}

function failed(problem: Problem, detail: string | undefined): RenewOutcome {
  return { state: 'failed', problem, ...(detail ? { detail } : {}) };
}

/** Graph's 401 and 403 in Intune's words; anything else as the call's own mapping or MdmHttp's. */
function graphProblem(own?: StatusProblem): StatusProblem {
  return (status, detail, request) => {
    if (status === 401) {
      return needsSignIn(t('problemMicrosoftGraphDidNotAcceptThe', request.doing), detail, status);
    }
    if (status === 403) {
      return {
        kind: 'forbidden',
        message: t('problemMicrosoftGraphRefusedAccessWhileThe', request.doing, INTUNE_GRAPH_PERMISSION),
        nextStep: FORBIDDEN_STEP,
        transient: false,
        status,
      };
    }
    return own?.(status, detail, request);
  };
}

const renewProblem: StatusProblem = (status, detail, request) => {
  if (status === 400 || status === 409 || status === 422) {
    const said = detail ? t('problemIntuneSaid', detail) : '';
    return {
      kind: 'refused',
      message: t('problemMicrosoftIntuneRefusedTheTokenFile', status, request.doing, said),
      nextStep: t('problemMakeSureTheFileWasDownloaded', FRESH_FILE_STEP),
      transient: false,
      status,
    };
  }
  if (status === 404) {
    return {
      kind: 'not-found',
      message: t('problemMicrosoftIntuneNoLongerHasThis'),
      nextStep: t('problemReopenThePopupToListThe', TOKENS_PAGE),
      transient: false,
      status,
    };
  }
  return undefined;
};

