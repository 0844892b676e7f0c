import { backoffDelayMs, type RetryPolicy } from '../http';
import type { Problem } from '../result';
import { locationLabel, type RenewalRecord } from './renewal-record';
import type { RenewalRuntime, Target } from './renewal-runtime';
import { t } from '../i18n/messages';

const SCAN_POLICY: RetryPolicy = { maxAttempts: 30, baseDelayMs: 1_000, maxDelayMs: 10_000 };

/**
 * Stage 6, committed → following → done or failed. The MDM holds the file now: forget it before anything else can
 * fail, ask the MDM to sync where it offers that, and follow its list.
 */
export async function followCommitted(rt: RenewalRuntime, record: RenewalRecord, target: Target): Promise<RenewalRecord> {
  record.failure = undefined;
  // Saved as 'scanning' first, so a crash cannot lose the fact that the MDM has it.
  await rt.save(record, 'scanning');
  await rt.deps.vault.wipe(record.id);
  if (target.adapter.sync) {
    const synced = await target.adapter.sync(record.match!.locationId);
    record.retrying = undefined;
    if (!synced.ok) return rt.failService(record, synced.error, 'scanning');
  }
  return follow(rt, record, target);
}

/** Follow again (a Retry, a restarted worker): the MDM already holds the file. */
export async function followAgain(rt: RenewalRuntime, record: RenewalRecord): Promise<RenewalRecord> {
  const target = await rt.targetOf(record);
  if (!target) return rt.failConnectionGone(record, 'scanning');
  record.failure = undefined;
  await rt.save(record, 'scanning');
  await rt.deps.vault.wipe(record.id);
  return follow(rt, record, target);
}

/** The one follow loop: poll the MDM's list until its adapter reads the token as done, or says what went wrong. */
async function follow(rt: RenewalRuntime, record: RenewalRecord, { adapter, name }: Target): Promise<RenewalRecord> {
  const since = new Date(record.renewedAt ?? record.updatedAt);
  const policy = rt.deps.scanPolicy ?? SCAN_POLICY;
  const location = locationLabel(record);
  let sawSyncing = false;
  let unfinished: Problem | undefined;
  for (let poll = 1; poll <= policy.maxAttempts; poll++) {
    await rt.sleep(backoffDelayMs(poll, policy));
    const list = await adapter.listTokens();
    record.retrying = undefined;
    if (!list.ok) return rt.failService(record, list.error, 'scanning');
    const token = list.value.find((t) => t.id === record.match!.locationId);
    if (!token) {
      return rt.fail(record, {
        kind: 'not-found',
        message: t('problemTheTokenWasSentButNo', name, location),
        nextStep: t('problemCheckTheAppsAndBooksTokens', name),
        step: 'scanning',
        retryable: false,
      });
    }
    const outcome = adapter.outcome(token, { expiresAt: record.file!.expiresAt, since, location, firstLook: poll === 1, sawSyncing });
    if (outcome.state === 'done') {
      record.lastSync = outcome.lastSync ?? token.lastSync;
      record.newExpiry = outcome.expiresAt ?? token.expiresAt ?? record.file?.expiresAt;
      const done = await rt.save(record, 'done');
      // What the writer learned on the way (the way through a console) may be kept now; never a reason to fail.
      await adapter.writer?.finished?.(rt.jobOf(done)).catch(() => undefined);
      return done;
    }
    if (outcome.state === 'failed') {
      return rt.fail(record, { ...outcome.problem, detail: outcome.detail, step: 'scanning', retryable: true });
    }
    sawSyncing ||= outcome.syncing === true;
    unfinished = outcome.unfinished;
  }
  return rt.fail(record, {
    kind: unfinished?.kind ?? 'scan-slow',
    message: unfinished?.message ?? t('problemAcceptedTheTokenButDoesNot', name, location),
    nextStep: unfinished?.nextStep ?? t('problemChooseRetryToKeepWatchingOr', name),
    step: 'scanning',
    retryable: true,
  });
}
