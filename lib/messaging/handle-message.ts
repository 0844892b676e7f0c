import { CaptureGate } from '../capture/capture-gate';
import type { BatchRunner } from '../batch/batch-runner';
import { appleSite } from '../health/health-state';
import type { RenewalMachine } from '../renewal/renewal-machine';
import type { CaptureSource } from '../renewal/renewal-record';
import type { Problem } from '../result';
import { classifySender, type SenderInfo } from './classify-sender';
import {
  consoleToBackgroundSchema,
  type ConsoleFileReply,
  type ConsoleReport,
  type PageOutline,
} from '../addigy-console/console-messages';
import { parseContentDisposition } from '../capture/content-disposition';
import {
  contentRequestSchema,
  pageIntentSchema,
  type CaptureFileRequest,
  type IntentReply,
  type PageIntent,
  type PopupState,
} from './messages';
import { t } from '../i18n/messages';

export interface MessageHandlerDeps {
  machine: RenewalMachine;
  ownId: string;
  /** `runtime.getURL('')`, ending with '/'. */
  ownOrigin: string;
  getState(): Promise<PopupState>;
  testConnection(connectionId?: string): Promise<IntentReply>;
  /** Look at every Addigy token now (the periodic watch, on demand). */
  refreshTokens(): Promise<void>;
  /** Options changed the connections. */
  connectionsChanged?(): Promise<void>;
  snoozeReminders(locationId: string, days: number): Promise<void>;
  /** Bring the renewal's Addigy console tab to the front. */
  showConsoleTab?(renewalId: string): Promise<void>;
  /** An open Apple page whose token section cannot be read, as a value-free outline (for "Save a page report"). */
  checkApplePages?(): Promise<PageOutline | undefined>;
  /** A token file arrived (captured on the page or dropped into the popup), before its checks run. */
  onFileArrived?(file: { via: CaptureSource; fileName?: string; text: string }): void;
  /** A capture came from the one-click button: bring the popup up where the browser allows it. */
  onButtonCapture?(): void;
  /** The Addigy console script's requests. `tabId` is the sender's tab, as the browser reports it. */
  console?: {
    fileFor(renewalId: string, tabId: number): Promise<ConsoleFileReply>;
    report(renewalId: string, tabId: number, report: ConsoleReport): Promise<void>;
    /** Addigy's sign-in page loaded in `tabId`: is it a console tab Token Relay opened (then say why it is there)? */
    signInPage?(tabId: number): Promise<boolean>;
  };
  /** Which page proposals go on (trusted click, per-tab rate). One gate per background; tests pass their own. */
  captureGate?: CaptureGate;
  /** Batch renewal (lib/batch): the popup's batch intents, Apple's Send all, and the downloads a batch pressed. */
  batch?: Pick<BatchRunner, 'propose' | 'confirm' | 'cancel' | 'retryItem' | 'dismiss' | 'takeCapture'>;
  /** The Apple tab's site, as the browser reports the tab (lib/abm/apple-batch-page). */
  siteOfTab?(tabId: number): Promise<string | undefined>;
}

const rejected = (problem: Problem): IntentReply => ({ ok: false, problem });
const NO_BATCH: Problem = { kind: 'batch-unavailable', message: t('problemBatchRenewalIsNotAvailableHere'), nextStep: t('problemRenewTheTokensOneAtA') };

/**
 * The background's single entry for runtime messages. Returns undefined for anything it ignores,
 * so forged or foreign messages get no answer at all.
 */
export function createMessageHandler(deps: MessageHandlerDeps) {
  const gate = deps.captureGate ?? new CaptureGate();
  return (message: unknown, sender: SenderInfo): Promise<IntentReply | ConsoleFileReply | { ok: true; ours: boolean }> | undefined => {
    const from = classifySender(sender, deps.ownId, deps.ownOrigin);
    if (from === 'apple-content-script') {
      const request = contentRequestSchema.safeParse(message);
      if (!request.success) return undefined;
      const tabId = tabIdOf(sender);
      if (request.data.type === 'capture:send-all') {
        // Only a proposal: the batch is planned from the background's own view and waits for the popup's yes.
        if (!deps.batch || typeof tabId !== 'number' || !gate.admit(tabId, request.data)) return undefined;
        return proposeFromPage(deps, tabId, request.data.locations);
      }
      const file = request.data;
      // The header's name wins over the link's `download` attribute, as in the browser.
      const fileName = parseContentDisposition(file.disposition).fileName ?? file.fileName;
      if (!deps.batch) return gate.admit(tabId, file) ? captureFromPage(deps, file, fileName) : undefined;
      // The one download a running batch pressed in this tab is that batch's, whatever else happened on the page.
      const { text, via } = file;
      return deps.batch.takeCapture(tabId, { via: via === 'button' ? 'blob' : via, fileName, text }).then((taken): Promise<IntentReply> | undefined => {
        if (taken) {
          deps.onFileArrived?.({ via, fileName, text });
          return Promise.resolve({ ok: true });
        }
        // Otherwise only the user's own click on the page, within the tab's rate, proposes a renewal; the rest is dropped.
        return gate.admit(tabId, file) ? captureFromPage(deps, file, fileName) : undefined;
      }) as Promise<IntentReply>;
    }
    if (from === 'addigy-console-script') {
      const request = consoleToBackgroundSchema.safeParse(message);
      const tabId = tabIdOf(sender);
      if (!request.success || typeof tabId !== 'number' || !deps.console) return undefined;
      if (request.data.type === 'console:need-file') return deps.console.fileFor(request.data.renewalId, tabId);
      void deps.console.report(request.data.renewalId, tabId, request.data.report);
      return Promise.resolve({ ok: true });
    }
    if (from === 'addigy-sign-in-script') {
      const tabId = tabIdOf(sender);
      if ((message as { type?: unknown } | null)?.type !== 'console:sign-in-page' || typeof tabId !== 'number' || !deps.console?.signInPage) {
        return undefined;
      }
      return deps.console.signInPage(tabId).then((ours) => ({ ok: true, ours }));
    }
    if (from === 'extension-page') {
      const intent = pageIntentSchema.safeParse(message);
      if (!intent.success) return undefined;
      return handleIntent(intent.data, deps);
    }
    return undefined;
  };
}

function captureFromPage(deps: MessageHandlerDeps, request: CaptureFileRequest, fileName: string | undefined): Promise<IntentReply> {
  // A request only proposes a renewal; the parser, Apple and the user's confirmation still gate it.
  const { text, via, fromButton } = request;
  // `via` stays the delivery route (an https take-over is saved for the user); the record names the button.
  deps.onFileArrived?.({ via, fileName, text });
  const byButton = fromButton === true || via === 'button';
  void deps.machine.capture({ text, source: byButton ? 'button' : via, fileName });
  if (byButton) deps.onButtonCapture?.();
  return Promise.resolve({ ok: true });
}

async function proposeFromPage(deps: MessageHandlerDeps, tabId: number, locations: string[]): Promise<IntentReply> {
  const url = await deps.siteOfTab?.(tabId);
  if (!url) return { ok: true };
  const proposed = await deps.batch!.propose({ site: appleSite(url), tabId, pageLocations: locations });
  // The popup shows the proposal (or why there is none) and asks for the one yes.
  deps.onButtonCapture?.();
  return proposed.ok ? { ok: true } : rejected(proposed.error);
}

function tabIdOf(sender: SenderInfo): unknown {
  const tab = sender.tab;
  return typeof tab === 'object' && tab !== null ? (tab as { id?: unknown }).id : undefined;
}

async function handleIntent(intent: PageIntent, deps: MessageHandlerDeps): Promise<IntentReply> {
  const { machine } = deps;
  switch (intent.type) {
    case 'state:get':
      return { ok: true, state: await deps.getState() };
    case 'renewal:confirm': {
      const result = await machine.confirm(intent.id, { acceptOtherMdm: intent.acceptOtherMdm });
      return result.ok ? { ok: true, state: await deps.getState() } : rejected(result.error);
    }
    case 'renewal:retry': {
      const result = await machine.retry(intent.id);
      return result.ok ? { ok: true, state: await deps.getState() } : rejected(result.error);
    }
    case 'renewal:choose': {
      const result = await machine.choose(intent.id, { connectionId: intent.connectionId, tokenId: intent.tokenId });
      return result.ok ? { ok: true, state: await deps.getState() } : rejected(result.error);
    }
    case 'renewal:discard': {
      const result = await machine.discard(intent.id);
      return result.ok ? { ok: true, state: await deps.getState() } : rejected(result.error);
    }
    case 'apple-page:check': {
      const outline = await deps.checkApplePages?.();
      return outline ? { ok: true, unreadableApplePage: outline } : { ok: true };
    }
    case 'renewal:show-console':
      await deps.showConsoleTab?.(intent.id);
      return { ok: true };
    case 'renewal:import-file':
      deps.onFileArrived?.({ via: 'file', fileName: intent.fileName, text: intent.text });
      await machine.capture({ text: intent.text, source: 'file', fileName: intent.fileName });
      return { ok: true, state: await deps.getState() };
    case 'settings:test-connection':
      return deps.testConnection(intent.connectionId);
    case 'tokens:refresh':
      await deps.refreshTokens();
      return { ok: true, state: await deps.getState() };
    case 'connections:changed':
      await deps.connectionsChanged?.();
      return { ok: true };
    case 'tokens:snooze':
      await deps.snoozeReminders(intent.locationId, intent.days);
      return { ok: true, state: await deps.getState() };
    case 'batch:propose': {
      if (!deps.batch) return rejected(NO_BATCH);
      const result = await deps.batch.propose({ site: intent.site, orgName: intent.orgName });
      if (!result.ok) return rejected(result.error);
      return 'openedApplePage' in result.value ? { ok: true, note: 'opened-apple-page' } : { ok: true, state: await deps.getState() };
    }
    case 'batch:confirm':
    case 'batch:cancel':
    case 'batch:dismiss':
    case 'batch:retry': {
      if (!deps.batch) return rejected(NO_BATCH);
      const batch = deps.batch;
      const result =
        intent.type === 'batch:confirm'
          ? await batch.confirm(intent.id)
          : intent.type === 'batch:cancel'
            ? await batch.cancel(intent.id)
            : intent.type === 'batch:dismiss'
              ? await batch.dismiss(intent.id)
              : await batch.retryItem(intent.id, intent.key);
      return result.ok ? { ok: true, state: await deps.getState() } : rejected(result.error);
    }
  }
}
