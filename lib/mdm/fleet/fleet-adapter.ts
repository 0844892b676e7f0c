import { err, ok, type Result } from '../../result';
import {
  MDM_LABELS,
  isoInstant,
  sameDay,
  sameInstant,
  type MdmAdapter,
  type MdmProblem,
  type MdmToken,
  type MdmTokenState,
  type RenewOutcome,
} from '../mdm-adapter';
import { MdmHttp, transportOf, type MdmTransportOptions, normaliseServerUrl, type MdmRequest, type StatusProblem } from '../mdm-http';
import { fleetVppTokenAnswerSchema, fleetVppTokenListSchema, type FleetVppToken } from './schemas';
import { t } from '../../i18n/messages';

/**
 * Fleet (self-hosted or Fleet-hosted), through its documented REST API for Apple Apps and Books (VPP) tokens:
 * list them, and renew one with the whole .vpptoken file as a multipart upload. Fleet Premium only: Fleet Free
 * answers 402. Fleet has no sync call (it asks Apple on demand), and it judges a token by its date alone, so a
 * revoked token still looks fine here: Token Relay's own Apple check is what catches those. See docs/mdm/fleet.md.
 */

const LABEL = MDM_LABELS.fleet;

export const FLEET_PATHS = {
  listTokens: '/api/v1/fleet/vpp_tokens',
  renew: (id: string) => `/api/v1/fleet/vpp_tokens/${encodeURIComponent(id)}/renew`,
} as const;

/** The multipart field Fleet reads the file from, and the file name sent with it (Fleet does not read the name). */
export const FLEET_TOKEN_FIELD = 'token';
export const FLEET_TOKEN_FILE_NAME = 'token.vpptoken';

export interface FleetAdapterConfig extends MdmTransportOptions {
  /** The Fleet server, e.g. https://fleet.acme-corp.net (https only; a path prefix is kept). */
  serverUrl: string;
  /** An API token of a Fleet user (an API-only user is best), sent as `Authorization: Bearer`. */
  apiToken: string;
  /** Milliseconds since the epoch; decides which tokens are expired by date. */
  now?: () => number;
}

export const FLEET_PREMIUM_MESSAGE =
  t('problemThisFleetServerRunsFleetFree');
export const FLEET_PREMIUM_NEXT_STEP =
  t('problemUpgradeThisFleetServerToFleet');

export class FleetAdapter implements MdmAdapter {
  readonly kind = 'fleet' as const;
  readonly writes = 'api' as const;
  readonly matchesBy = 'name' as const;
  /** Fleet's renew overwrites the row's location, organisation and expiry with any file (fleetdm/fleet server/service/vpp.go). */
  readonly requiresAppleVerifiedLocation = true;

  private readonly serverUrl: string | undefined;
  private readonly apiToken: string;
  private readonly http: MdmHttp;
  private readonly now: () => number;

  constructor(config: FleetAdapterConfig) {
    this.serverUrl = normaliseServerUrl(config.serverUrl);
    this.apiToken = config.apiToken.trim();
    this.now = config.now ?? Date.now;
    this.http = new MdmHttp({
      label: LABEL,
      secrets: () => [this.apiToken],
      ...transportOf(config),
    });
  }

  async listTokens(): Promise<Result<MdmToken[], MdmProblem>> {
    const settings = this.settingsProblem();
    if (settings) return err(settings);
    const request: MdmRequest = {
      method: 'GET',
      url: `${this.serverUrl}${FLEET_PATHS.listTokens}`,
      headers: this.headers(),
      doing: t('problemListingFleetsAppsAndBooksTokens'),
    };
    const answer = await this.http.sendJson(request, this.statusProblem);
    if (!answer.ok) return answer;
    const parsed = fleetVppTokenListSchema.safeParse(answer.value.body);
    if (!parsed.success) return err(this.http.badResponse(request, 'The token list is not in the shape Fleet documents.', answer.value.status));
    const tokens = Array.isArray(parsed.data) ? parsed.data : (parsed.data.vpp_tokens ?? []);
    return ok(tokens.map((token) => this.toMdmToken(token)));
  }

  async renew(tokenId: string, fileText: string): Promise<Result<MdmToken | undefined, MdmProblem>> {
    const settings = this.settingsProblem();
    if (settings) return err(settings);
    if (!/^\d+$/.test(tokenId)) {
      return err({
        kind: 'not-found',
        message: t('problemHasNoAppsAndBooksToken', LABEL),
        nextStep: t('problemReopenTokenRelaysPopupSoIt'),
        transient: false,
      });
    }
    const text = fileText.trim();
    if (!text) {
      return err({
        kind: 'refused',
        message: t('problemTheTokenFileIsEmptySo3', LABEL),
        nextStep: t('problemDownloadTheTokenAgainFromApple2'),
        transient: false,
      });
    }
    const form = new FormData();
    // A File, not a bare Blob: some FormData implementations drop the name given beside a Blob.
    form.append(FLEET_TOKEN_FIELD, new File([text], FLEET_TOKEN_FILE_NAME, { type: 'application/octet-stream' }), FLEET_TOKEN_FILE_NAME);
    const request: MdmRequest = {
      method: 'PATCH',
      url: `${this.serverUrl}${FLEET_PATHS.renew(tokenId)}`,
      // No Content-Type: fetch writes multipart/form-data with its own boundary.
      headers: this.headers(),
      body: form,
      doing: t('problemRenewingTheAppsAndBooksToken'),
      secrets: [fileText, text],
    };
    const answer = await this.http.sendJson(request, this.statusProblem);
    if (!answer.ok) return answer;
    // Fleet took the file (2xx); an answer we cannot read does not undo that: the list shows the outcome.
    const parsed = fleetVppTokenAnswerSchema.safeParse(answer.value.body);
    return ok(parsed.success ? this.toMdmToken(parsed.data) : undefined);
  }

  /** Fleet has no sync: the renewal is done once its list shows the file's expiry as the renew date. */
  outcome(token: MdmToken, expected: { expiresAt: string; since: Date }): RenewOutcome {
    if (sameInstant(token.expiresAt, expected.expiresAt) || sameDay(token.expiresAt, expected.expiresAt)) {
      return { state: 'done', ...(token.expiresAt ? { expiresAt: token.expiresAt } : {}) };
    }
    return { state: 'pending' };
  }

  private toMdmToken(token: FleetVppToken): MdmToken {
    const expiresAt = isoInstant(token.renew_date);
    // By date alone, as Fleet itself judges it (fleetdm/fleet #48275): a revoked token still reads 'ok' here.
    const state: MdmTokenState = !expiresAt ? 'unknown' : Date.parse(expiresAt) <= this.now() ? 'expired' : 'ok';
    return {
      id: token.id,
      state,
      ...(token.location?.trim() ? { locationName: token.location.trim() } : {}),
      ...(token.org_name?.trim() ? { orgName: token.org_name.trim() } : {}),
      ...(expiresAt ? { expiresAt } : {}),
      ...(token.terms_expired
        ? { stateDetail: this.http.showable(t('problemFleetSaysApplesTermsAndConditions')) }
        : {}),
    };
  }

  private headers(): Record<string, string> {
    return { Authorization: `Bearer ${this.apiToken}`, Accept: 'application/json' };
  }

  private settingsProblem(): MdmProblem | undefined {
    if (!this.serverUrl) {
      return {
        kind: 'bad-settings',
        message: t('problemTheServerAddressOfThisConnection', LABEL),
        nextStep: t('problemOpenTokenRelaysOptionsAndEnter2'),
        transient: false,
      };
    }
    if (!this.apiToken) {
      return {
        kind: 'bad-settings',
        message: t('problemThisConnectionHasNoAPIToken', LABEL),
        nextStep: t('problemOpenTokenRelaysOptionsAndPaste2'),
        transient: false,
      };
    }
    return undefined;
  }

  /** Fleet's own statuses: 402 (Fleet Free), and its words for 401, 403 and a refused file. */
  private readonly statusProblem: StatusProblem = (status, detail, request) => {
    const said = detail ? t('problemFleetSaid', detail) : '';
    if (status === 402) {
      return { kind: 'needs-premium', message: FLEET_PREMIUM_MESSAGE, nextStep: FLEET_PREMIUM_NEXT_STEP, transient: false };
    }
    if (status === 401) {
      return {
        kind: 'unauthorized',
        message: t('problemDidNotAcceptThisConnectionsAPI', LABEL, request.doing),
        nextStep:
          t('problemAFleetSessionTokenExpiresWhen'),
        transient: false,
      };
    }
    if (status === 403) {
      return {
        kind: 'forbidden',
        message: t('problemAcceptedTheAPITokenButIts', LABEL, request.doing),
        nextStep: t('problemInFleetGiveTheUserBehind'),
        transient: false,
      };
    }
    if (request.method === 'PATCH' && (status === 400 || status === 409 || status === 422)) {
      return {
        kind: 'refused',
        message: t('problemRefusedTheTokenFileHTTP', LABEL, status, said),
        nextStep:
          t('problemCheckThatTheFileIsThe2'),
        transient: false,
      };
    }
    return undefined;
  };
}
