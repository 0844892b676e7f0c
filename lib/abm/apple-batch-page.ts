import { contentTokensPage, type AppleSite } from '../health/health-state';
import { err, ok, type Problem, type Result } from '../result';
import {
  batchDownloadReplySchema,
  batchListLocationsReplySchema,
  batchOfferReplySchema,
  type BatchCommand,
  type BatchDownloadFailure,
  type BatchOffer,
} from './batch-commands';
import { looksLikeTokenRoute } from './page-knowledge';
import { t } from '../i18n/messages';

/** The file the background injects into every frame of an Apple tab (entrypoints/abm-batch.ts). */
export const BATCH_SCRIPT_FILE = '/abm-batch.js';

/** The slices of `browser.tabs` and `browser.scripting` the batch needs of an Apple tab; tests pass doubles. */
export interface AppleBatchTabsApi {
  query(query: { url: string[] }): Promise<Array<{ id?: number; active?: boolean; lastAccessed?: number; url?: string }>>;
  create(properties: { url: string; active?: boolean }): Promise<{ id?: number }>;
  sendMessage(tabId: number, message: BatchCommand): Promise<unknown>;
}
export interface AppleBatchScriptingApi {
  executeScript(injection: { target: { tabId: number; allFrames: boolean }; files: Array<typeof BATCH_SCRIPT_FILE> }): Promise<unknown>;
}
export interface AppleBatchPageApi {
  tabs: AppleBatchTabsApi;
  scripting: AppleBatchScriptingApi;
}

export type AppleBatchProblemKind = 'location-not-found' | 'location-ambiguous' | 'no-download-control' | 'apple-page-unreachable';

/**
 * The background's side of Apple's token page in a batch: finds or opens the tab, injects the batch script, and
 * sends it the commands of lib/abm/batch-commands.ts. Every answer is checked (it came from a frame of Apple's page);
 * nothing here throws. It only asks the page for names and clicks: a token never passes through it.
 */
export class AppleBatchPage {
  constructor(private readonly api: AppleBatchPageApi) {}

  /** An open tab on `site`: the active one first, then one on the tokens page, then the one used last. */
  async findTab(site: AppleSite): Promise<number | undefined> {
    const tabs = await this.api.tabs.query({ url: [`${site}/*`] }).catch(() => []);
    const rank = (tab: (typeof tabs)[number]) => [tab.active ? 1 : 0, looksLikeTokenRoute(tab.url ?? '') ? 1 : 0, tab.lastAccessed ?? 0] as const;
    const open = tabs.filter((tab) => tab.id !== undefined);
    open.sort((a, b) => {
      const [x, y] = [rank(a), rank(b)];
      return y[0] - x[0] || y[1] - x[1] || y[2] - x[2];
    });
    return open[0]?.id;
  }

  /** Opens Apple's token page of `site` in a new tab in front; the tab's id, or undefined when it could not. */
  async openTokensPage(site: AppleSite): Promise<number | undefined> {
    const tab = await this.api.tabs.create({ url: contentTokensPage(site), active: true }).catch(() => undefined);
    return tab?.id;
  }

  /** Injects the batch script into every frame of the tab (a second injection does nothing). False when it could not. */
  async inject(tabId: number): Promise<boolean> {
    try {
      await this.api.scripting.executeScript({ target: { tabId, allFrames: true }, files: [BATCH_SCRIPT_FILE] });
      return true;
    } catch {
      return false;
    }
  }

  /**
   * Shows "Send all <n> expiring to <target>" in the tab's token section for the due locations on it. The count it
   * shows (0: hidden), or undefined when no frame shows a token section (or the script is not there).
   */
  async offer(tabId: number, dueLocations: readonly string[], target: BatchOffer['target']): Promise<number | undefined> {
    const reply = await this.send(tabId, { type: 'batch:offer', dueLocations: [...dueLocations], target });
    const parsed = batchOfferReplySchema.safeParse(reply);
    return parsed.success ? parsed.data.shown : undefined;
  }

  /** Every location name the tab's token section lists, or undefined when no frame shows one. */
  async listLocations(tabId: number): Promise<string[] | undefined> {
    const parsed = batchListLocationsReplySchema.safeParse(await this.send(tabId, { type: 'batch:list-locations' }));
    return parsed.success ? parsed.data.locations : undefined;
  }

  /**
   * Presses the Download of the ONE entry named `locationName` on Apple's page. Never retried here: a Download mints
   * a new token and revokes the old one, and a lost answer may follow a click that happened.
   */
  async download(tabId: number, locationName: string): Promise<Result<void, Problem<AppleBatchProblemKind>>> {
    const parsed = batchDownloadReplySchema.safeParse(await this.send(tabId, { type: 'batch:download', locationName }));
    if (!parsed.success) return err(unreachable(locationName));
    return parsed.data.clicked ? ok(undefined) : err(downloadProblem(locationName, parsed.data.reason));
  }

  private send(tabId: number, command: BatchCommand): Promise<unknown> {
    // No frame answered (no token section, no script, the tab closed): undefined, never a throw.
    try {
      return this.api.tabs.sendMessage(tabId, command).catch(() => undefined);
    } catch {
      return Promise.resolve(undefined);
    }
  }
}

function unreachable(locationName: string): Problem<'apple-page-unreachable'> {
  return {
    kind: 'apple-page-unreachable',
    message: t('problemTokenRelayCouldNotReachApples', locationName),
    nextStep: t('problemOpenApplesAppsAndBooksPage'),
  };
}

function downloadProblem(locationName: string, reason: BatchDownloadFailure): Problem<AppleBatchProblemKind> {
  switch (reason) {
    case 'not-found':
      return {
        kind: 'location-not-found',
        message: t('problemTokenRelayCouldNotFindOn', locationName),
        nextStep: t('problemCheckThatApplesAppsAndBooks', locationName),
      };
    case 'ambiguous':
      return {
        kind: 'location-ambiguous',
        message: t('problemApplesPageListsMoreThanOne', locationName),
        nextStep: t('problemDownloadTheRightTokenYourselfWith', locationName),
      };
    case 'no-control':
      return {
        kind: 'no-download-control',
        message: t('problemApplesPageShowsWithoutADownload', locationName),
        nextStep:
          t('problemSignInToAppleBusinessManager'),
      };
  }
}
