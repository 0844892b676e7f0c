import type { AppleSite, TokenHealth } from '../health/health-state';
import type { MdmDetails } from '../mdm/renewal-writer';
import type { CaptureInput } from '../renewal/check-stage';
import type { RenewalRecord } from '../renewal/renewal-record';
import { err, ok, type Problem, type Result } from '../result';
import type { BatchStore } from '../storage/batch-store';
import { batchItemForCapture, BATCH_DOWNLOAD_MS } from './batch-gate';
import type { BatchItem, BatchRecord } from './batch-record';
import { planBatch } from './plan-batch';
import { sameName } from '../text/same-name';
import { t } from '../i18n/messages';

/** At most this many of a batch's tokens are held at once: downloaded and not yet renewed (or failed). */
export const MAX_HELD_TOKENS = 3;

/** Apple's token page in the admin's tab, as the batch uses it (lib/abm/apple-batch-page.ts). */
export interface AppleBatchPort {
  findTab(site: AppleSite): Promise<number | undefined>;
  openTokensPage(site: AppleSite): Promise<void>;
  /** The location names the page's token section lists; undefined when no section could be read. */
  listLocations(tabId: number): Promise<string[] | undefined>;
  /** Press that one location's Download on the page. */
  download(tabId: number, locationName: string): Promise<Result<void, Problem>>;
}

/** The renewal pipeline, as far as a batch drives it (lib/renewal/renewal-machine.ts). */
export interface BatchRenewals {
  capture(input: CaptureInput, id: string): Promise<RenewalRecord>;
  get(id: string): Promise<RenewalRecord | undefined>;
  confirm(id: string, options?: { acceptOtherMdm?: boolean }): Promise<Result<RenewalRecord, Problem>>;
  choose(id: string, pick: { connectionId: string; tokenId: string }): Promise<Result<RenewalRecord, Problem>>;
  retry(id: string): Promise<Result<RenewalRecord, Problem>>;
}

export interface BatchDeps {
  store: BatchStore;
  renewals: BatchRenewals;
  apple: AppleBatchPort;
  /** Every token's health, freshly read from the connections (not from storage a page could write). */
  health(): Promise<TokenHealth[]>;
  onChange(batch: BatchRecord): void;
  now?(): Date;
  newId?(): string;
  /** Schedules a look at a download that may not come (tests pass their own clock). */
  later?(run: () => void, ms: number): void;
}

export type ProposeResult = { batch: BatchRecord } | { openedApplePage: true };

/**
 * Batch renewal (issue 22): one Apple organisation's due tokens renewed in one pass after one yes. Nothing is downloaded
 * before that yes, because each Download revokes the location's current token. Then, one location at a time, Token Relay
 * presses that location's Download on Apple's page, admits exactly that file (batch-gate), and hands it to the usual
 * renewal pipeline; it answers the MDM's confirmation itself only when the MDM shows what the admin said yes to.
 * Every step is stored before the next, so a restarted worker goes on without downloading anything twice.
 */
export class BatchRunner {
  private queue: Promise<unknown> = Promise.resolve();
  private readonly now: () => Date;
  private readonly newId: () => string;
  private running = false;

  constructor(private readonly deps: BatchDeps) {
    this.now = deps.now ?? (() => new Date());
    this.newId = deps.newId ?? (() => crypto.randomUUID());
  }

  /** Is a batch under way (the worker should stay awake)? */
  get busy(): boolean {
    return this.running;
  }

  /** The batch the popup shows: proposed or running, or the last finished one until its summary is closed. */
  async current(): Promise<BatchRecord | undefined> {
    return (await this.deps.store.list()).find((b) => !b.dismissed);
  }

  /** "Renew all N expiring" (popup) or "Send all" (Apple's page, `pageLocations` then given by it): plan, do not start. */
  propose(input: { site: AppleSite; orgName?: string; tabId?: number; pageLocations?: string[] }): Promise<Result<ProposeResult, Problem>> {
    return this.serial(async () => {
      const all = await this.deps.store.list();
      if (all.some((b) => b.step === 'running')) return err(BATCH_RUNNING);
      const tabId = input.tabId ?? (await this.deps.apple.findTab(input.site));
      if (tabId === undefined) {
        await this.deps.apple.openTokensPage(input.site);
        return ok({ openedApplePage: true as const });
      }
      const pageLocations = input.pageLocations ?? (await this.deps.apple.listLocations(tabId));
      if (!pageLocations?.length) return err(NO_TOKEN_SECTION);
      const plan = planBatch({ health: await this.deps.health(), site: input.site, orgName: input.orgName, pageLocations });
      if (!plan?.items.length) return err(nothingDue(input.orgName));
      // One proposal at a time: an older one that was never confirmed is dropped.
      for (const old of all.filter((b) => b.step === 'proposed')) await this.save({ ...old, step: 'cancelled', dismissed: true });
      const at = this.now().toISOString();
      const batch: BatchRecord = { id: this.newId(), step: 'proposed', site: input.site, orgName: plan.orgName, appleTabId: tabId, items: plan.items, createdAt: at, updatedAt: at };
      await this.save(batch);
      return ok({ batch });
    });
  }

  /** The admin's one yes ("Renew all N"). */
  confirm(id: string): Promise<Result<BatchRecord, Problem>> {
    return this.serial(async () => {
      const batch = await this.deps.store.get(id);
      if (!batch) return err(UNKNOWN_BATCH);
      if (batch.step !== 'proposed') return err(wrongStep(batch));
      batch.step = 'running';
      batch.confirmedAt = this.now().toISOString();
      await this.save(batch);
      await this.pump(batch);
      return ok(batch);
    });
  }

  /** Stop before the next download. What is already downloaded goes on to its MDM: its old token no longer works. */
  cancel(id: string): Promise<Result<BatchRecord, Problem>> {
    return this.serial(async () => {
      const batch = await this.deps.store.get(id);
      if (!batch) return err(UNKNOWN_BATCH);
      if (batch.step === 'proposed') {
        await this.save({ ...batch, step: 'cancelled', dismissed: true });
        return ok(batch);
      }
      if (batch.step !== 'running') return err(wrongStep(batch));
      batch.step = 'cancelled';
      for (const item of batch.items) if (item.state === 'queued') item.state = 'cancelled';
      this.settleIfDone(batch);
      await this.save(batch);
      return ok(batch);
    });
  }

  /** Retry one row: its renewal again where the token is still held, else a new download (the admin's own choice). */
  retryItem(id: string, key: string): Promise<Result<BatchRecord, Problem>> {
    return this.serial(async () => {
      const batch = await this.deps.store.get(id);
      const item = batch?.items.find((i) => i.key === key);
      if (!batch || !item) return err(UNKNOWN_BATCH);
      if (item.state !== 'failed' && item.state !== 'needs-you' && item.state !== 'cancelled') return err(wrongStep(batch));
      const record = item.renewalId ? await this.deps.renewals.get(item.renewalId) : undefined;
      item.problem = undefined;
      if (record?.step === 'failed' && record.failure?.retryable) {
        item.state = 'relaying';
        const retried = await this.deps.renewals.retry(record.id);
        if (!retried.ok) Object.assign(item, { state: 'failed', problem: retried.error });
      } else if (record?.step === 'awaiting-confirmation' && item.state === 'needs-you') {
        // The question is the admin's to answer in that renewal's own card; nothing to do here.
        item.problem = NEEDS_ANSWER;
      } else {
        Object.assign(item, { state: 'queued', renewalId: undefined, downloadRequestedAt: undefined, newExpiry: undefined });
      }
      batch.step = 'running';
      batch.finishedAt = undefined;
      batch.dismissed = undefined;
      await this.save(batch);
      await this.pump(batch);
      return ok(batch);
    });
  }

  /** Close a finished batch's summary. */
  dismiss(id: string): Promise<Result<BatchRecord, Problem>> {
    return this.serial(async () => {
      const batch = await this.deps.store.get(id);
      if (!batch) return err(UNKNOWN_BATCH);
      if (batch.step === 'running') return err(wrongStep(batch));
      batch.dismissed = true;
      await this.save(batch);
      return ok(batch);
    });
  }

  /**
   * A token file arrived from an Apple tab without the admin's own click on its page: is it the download a running
   * batch asked for? If so it goes to that location's renewal and true is returned; otherwise nothing happens.
   */
  takeCapture(tabId: unknown, file: { via: CaptureInput['source']; fileName?: string; text: string }): Promise<boolean> {
    return this.serial(async () => {
      const hit = batchItemForCapture(await this.deps.store.list(), tabId, file.fileName, this.now());
      if (!hit) return false;
      const { batch, item } = hit;
      const renewalId = this.newId();
      item.renewalId = renewalId;
      item.state = 'relaying';
      await this.save(batch);
      const reuseTab = item.mdm === 'addigy' ? batch.consoleTabId : undefined;
      // Not awaited here: its checks take a while, and its steps come back through renewalChanged.
      void this.deps.renewals
        .capture({ text: file.text, source: file.via, fileName: file.fileName, ...(reuseTab !== undefined ? { reuseTab } : {}) }, renewalId)
        .then(() => this.renewalChanged(renewalId), () => this.renewalChanged(renewalId));
      return true;
    });
  }

  /** A renewal changed: if it is one of a batch's, move its row, answer its confirmation, and go on. */
  renewalChanged(renewalId: string): Promise<void> {
    return this.serial(async () => {
      const batch = (await this.deps.store.list()).find((b) => b.items.some((i) => i.renewalId === renewalId));
      if (!batch) return;
      await this.follow(batch, batch.items.find((i) => i.renewalId === renewalId)!);
      this.settleIfDone(batch);
      await this.save(batch);
      await this.pump(batch);
    });
  }

  /** After a worker restart, and on the resume alarm: every unfinished batch goes on from where it was stored. */
  resume(): Promise<void> {
    return this.serial(async () => {
      for (const batch of await this.deps.store.list()) {
        if (batch.step !== 'running' && batch.step !== 'cancelled') continue;
        for (const item of batch.items) {
          if (item.state === 'downloading') this.checkDownload(batch, item);
          else if (item.renewalId && (item.state === 'relaying' || item.state === 'needs-you')) await this.follow(batch, item);
        }
        this.settleIfDone(batch);
        await this.save(batch);
        await this.pump(batch);
      }
    });
  }

  /** Start the next download when the last one's renewal has handed its file over and few tokens are held. */
  private async pump(batch: BatchRecord): Promise<void> {
    for (;;) {
      this.running = batch.step === 'running' || batch.items.some((i) => i.state === 'downloading' || i.state === 'relaying');
      if (batch.step !== 'running' || batch.appleTabId === undefined) return;
      if (batch.items.some((i) => i.state === 'downloading')) return;
      const relaying = batch.items.filter((i) => i.state === 'relaying');
      if (relaying.length >= MAX_HELD_TOKENS) return;
      for (const item of relaying) {
        const record = await this.deps.renewals.get(item.renewalId!);
        // Still before its commit: the MDM's page (one shared tab) is busy with it.
        if (!record || !COMMITTED.has(record.step)) return;
      }
      const next = batch.items.find((i) => i.state === 'queued');
      if (!next) {
        this.settleIfDone(batch);
        await this.save(batch);
        return;
      }
      // Stored before Download is pressed: a restarted worker never presses it again for this location.
      next.state = 'downloading';
      next.downloadRequestedAt = this.now().toISOString();
      await this.save(batch);
      const pressed = await this.deps.apple.download(batch.appleTabId, next.locationName);
      if (pressed.ok) {
        this.checkDownload(batch, next);
        return;
      }
      Object.assign(next, { state: 'failed', problem: pressed.error, downloadRequestedAt: undefined });
      await this.save(batch);
    }
  }

  /** A download whose file never came within the bound fails, and is never pressed again without the admin. */
  /** Returns whether the row failed now. */
  private checkDownload(batch: BatchRecord, item: BatchItem): boolean {
    const age = this.now().getTime() - Date.parse(item.downloadRequestedAt ?? '');
    if (Number.isFinite(age) && age <= BATCH_DOWNLOAD_MS) {
      (this.deps.later ?? ((run, ms) => void setTimeout(run, ms)))(() => void this.downloadTimedOut(batch.id, item.key), BATCH_DOWNLOAD_MS - age + 500);
      return false;
    }
    Object.assign(item, { state: 'failed', problem: noFileCame(item.locationName) });
    return true;
  }

  private downloadTimedOut(id: string, key: string): Promise<void> {
    return this.serial(async () => {
      const batch = await this.deps.store.get(id);
      const item = batch?.items.find((i) => i.key === key);
      if (!batch || item?.state !== 'downloading') return;
      if (!this.checkDownload(batch, item)) return;
      this.settleIfDone(batch);
      await this.save(batch);
      await this.pump(batch);
    });
  }

  /** Where a row's renewal stands, and the batch's answer to its confirmation. */
  private async follow(batch: BatchRecord, item: BatchItem): Promise<void> {
    const record = await this.deps.renewals.get(item.renewalId!);
    if (!record) {
      // The worker stopped between taking the file and storing its renewal: the file is gone with it.
      const age = this.now().getTime() - Date.parse(item.downloadRequestedAt ?? '');
      if (!(age <= BATCH_DOWNLOAD_MS)) Object.assign(item, { state: 'failed', problem: noFileCame(item.locationName) });
      return;
    }
    if (record.console?.tabId !== undefined && item.mdm === 'addigy' && item.state !== 'needs-you') batch.consoleTabId = record.console.tabId;
    switch (record.step) {
      case 'done':
        Object.assign(item, { state: 'renewed', newExpiry: record.newExpiry ?? record.file?.expiresAt, problem: undefined });
        return;
      case 'failed':
      case 'discarded':
        Object.assign(item, {
          state: 'failed',
          problem: record.failure
            ? { kind: record.failure.kind, message: record.failure.message, nextStep: record.failure.nextStep }
            : { kind: 'discarded', message: t('problemTheRenewalOfWasCancelled', item.locationName), nextStep: t('problemChooseRetryToDownloadItsToken') },
        });
        return;
      case 'renewing':
      case 'scanning':
        Object.assign(item, { state: 'relaying', problem: undefined });
        return;
      case 'awaiting-confirmation':
        if (item.state === 'needs-you') return;
        await this.answer(batch, item, record);
        return;
      default:
        return;
    }
  }

  /** The batch's yes, given to one renewal only when it is exactly what the admin confirmed. */
  private async answer(batch: BatchRecord, item: BatchItem, record: RenewalRecord): Promise<void> {
    const stop = (problem: Problem) => {
      Object.assign(item, { state: 'needs-you', problem });
      // That renewal keeps its page for the admin: the next location's gets a tab of its own.
      if (item.mdm === 'addigy') batch.consoleTabId = undefined;
    };
    if (!record.match) {
      const pick = record.candidates?.find((c) => c.connectionId === item.connectionId && c.tokenId === item.tokenId);
      if (!pick) return stop(differs(item, t('problemTheFileMatchesOtherTokensThan')));
      const chosen = await this.deps.renewals.choose(record.id, { connectionId: pick.connectionId, tokenId: pick.tokenId });
      if (!chosen.ok) stop(chosen.error);
      return;
    }
    if (record.match.connectionId !== item.connectionId || record.match.locationId !== item.tokenId) {
      return stop(differs(item, t('problemTheFileIsForIn', record.match.locationName ?? t('problemAnotherLocation'), record.match.connectionName ?? t('problemAnotherConnection'))));
    }
    if (record.apple?.locationName && sameName(record.apple.locationName) !== sameName(item.locationName)) {
      return stop(differs(item, t('problemAppleSaysTheFileIsFor', record.apple.locationName)));
    }
    if (record.otherMdm && !record.otherMdmAccepted) {
      return stop({
        kind: 'needs-mdm-override',
        message: t('problemIsInUseByAnotherMDM', item.locationName, record.otherMdm),
        nextStep: t('problemSayInItsCardBelowWhether', item.connectionName),
      });
    }
    if (!record.preview) return;
    const mismatch = detailsMismatch(record.preview, item, record.match.writes === 'console' ? record.apple?.uId ?? null : undefined);
    if (mismatch) return stop(differs(item, mismatch));
    const confirmed = await this.deps.renewals.confirm(record.id);
    if (!confirmed.ok) stop(confirmed.error);
  }

  private settleIfDone(batch: BatchRecord): void {
    const open = batch.items.some((i) => i.state === 'queued' || i.state === 'downloading' || i.state === 'relaying');
    if (open || (batch.step !== 'running' && batch.step !== 'cancelled') || batch.finishedAt) return;
    if (batch.step === 'running') batch.step = 'finished';
    batch.finishedAt = this.now().toISOString();
  }

  private async save(batch: BatchRecord): Promise<void> {
    batch.updatedAt = this.now().toISOString();
    await this.deps.store.put(batch);
    this.deps.onChange(batch);
  }

  /** One thing at a time: a renewal's news, a capture and the admin's intents all read and write the same batch. */
  private serial<T>(run: () => Promise<T>): Promise<T> {
    const next = this.queue.then(run, run);
    this.queue = next.catch(() => undefined);
    return next;
  }
}

/** The renewal's steps from its commit on: its page no longer needs the shared tab. */
const COMMITTED: ReadonlySet<string> = new Set(['renewing', 'scanning', 'done', 'failed', 'discarded']);

/**
 * What the MDM's confirmation shows against what the admin said yes to: the location's name, the organisation, and in a
 * console's window the ID number, which must be the location's uId as Apple verified it (`uId` null: Apple could not
 * be asked, so the window cannot be checked). Undefined when they agree.
 */
export function detailsMismatch(details: MdmDetails, item: Pick<BatchItem, 'locationName' | 'orgName'>, uId?: string | null): string | undefined {
  if (sameName(details.name) !== sameName(item.locationName)) return t('problemTheMDMShowsTheName', details.name);
  if (sameName(details.organization) !== sameName(item.orgName)) return t('problemTheMDMShowsTheOrganisation', details.organization);
  if (uId === null) return t('problemAppleCouldNotBeAskedWhich');
  if (uId !== undefined && details.idNumber.trim() !== uId) return t('problemTheMDMShowsTheIDNumber', details.idNumber, uId);
  return undefined;
}

const differs = (item: BatchItem, what: string): Problem => ({
  kind: 'batch-difference',
  message: t('problemTokenRelayDidNotSaveNot', item.locationName, what),
  nextStep: t('problemCheckItInItsCardBelow'),
});

const noFileCame = (location: string): Problem => ({
  kind: 'batch-no-file',
  message: t('problemTokenRelayPressedDownloadForBut', location),
  nextStep: t('problemDropThatFileIntoTheToken'),
});

const NEEDS_ANSWER: Problem = {
  kind: 'batch-needs-answer',
  message: t('problemThisRenewalWaitsForYourAnswer'),
  nextStep: t('problemConfirmOrCancelItInIts'),
};

const BATCH_RUNNING: Problem = {
  kind: 'batch-running',
  message: t('problemABatchRenewalIsAlreadyRunning'),
  nextStep: t('problemWaitForItToFinishOr'),
};

const NO_TOKEN_SECTION: Problem = {
  kind: 'batch-no-section',
  message: t('problemTokenRelayCouldNotReadThe'),
  nextStep: t('problemOpenPreferencesPaymentsAndBillingContent'),
};

const UNKNOWN_BATCH: Problem = { kind: 'unknown-batch', message: t('problemThatBatchNoLongerExists'), nextStep: t('problemReopenThePopup') };

function nothingDue(orgName: string | undefined): Problem {
  return {
    kind: 'batch-nothing-due',
    message: orgName ? t('problemNoTokenOfOrgDue', orgName) : t('problemNoTokenDue'),
    nextStep: t('problemNothingToDoNowTokenRelay'),
  };
}

function wrongStep(batch: BatchRecord): Problem {
  return { kind: 'wrong-step', message: t('problemThatDoesNotApplyTheBatch', batch.step), nextStep: t('problemReopenThePopupToSeeWhere') };
}
