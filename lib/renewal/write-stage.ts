import { uncertainWrite } from '../mdm/mdm-adapter';
import type { RenewalWriter, WriteStep } from '../mdm/renewal-writer';
import type { Problem } from '../result';
import { findDiscrepancies } from './discrepancies';
import { followCommitted } from './follow-stage';
import { connectionNameOf, locationLabel, type RenewalFailure, type RenewalRecord } from './renewal-record';
import { appleConfigOf, appleNotConsulted, DOWNLOAD_AGAIN, type RenewalRuntime, type Target } from './renewal-runtime';
import { t } from '../i18n/messages';

/**
 * Stages 4 and 5, matched → prepared → awaiting confirmation → committed: the writer of the renewal's connection
 * writes the file to the token. The pipeline only says: prepare, may I go on (the admin's yes), commit.
 */

/** A token was matched: its writer's own refusal, the extra yes for another MDM's location, or preparing. */
export async function startWrite(rt: RenewalRuntime, record: RenewalRecord): Promise<RenewalRecord> {
  const writer = await writerOf(rt, record);
  if (!writer) return rt.failConnectionGone(record, 'matched');
  const refused = writer.cannotWrite?.(rt.jobOf(record));
  if (refused) return rt.fail(record, { ...refused, step: refused.step ?? 'matched' });
  // Another MDM holds the location: an explicit yes comes before the file is handed to anything.
  if (writer.preparesWithFile && record.otherMdm && !record.otherMdmAccepted) return rt.save(record, 'awaiting-confirmation');
  return prepareWrite(rt, record, writer);
}

/** Write this file to that token: the MDM's details now (then the admin is asked), or its page started. */
export async function prepareWrite(rt: RenewalRuntime, record: RenewalRecord, writer: RenewalWriter): Promise<RenewalRecord> {
  if (writer.preparesWithFile) {
    if (!(await rt.deps.vault.get(record.id))) return rt.failTokenGone(record, 'handing-over');
    record.failure = undefined;
    record.preview = undefined;
    record.pageReport = undefined;
    record.discrepancies = [];
  }
  const prepared = await writer.prepare(rt.jobOf(record), rt.ioOf(record, 'handing-over'));
  if (!prepared.ok) return rt.fail(record, { ...prepared.error, step: prepared.error.step ?? 'handing-over' });
  if ('shown' in prepared.value) return shown(rt, record, prepared.value.shown);
  // Read again: the page may have reported while it was being opened.
  const latest = (await rt.deps.store.get(record.id)) ?? record;
  const started = prepared.value.started;
  const same = Object.entries(started).every(([key, value]) => latest.console?.[key as keyof typeof started] === value);
  if (latest.step !== 'handing-over' || same) return latest;
  latest.console = { ...latest.console!, ...started };
  return rt.save(latest, 'handing-over');
}

/** The MDM showed its details: check them against the file and Apple, and ask the admin. */
export async function shown(rt: RenewalRuntime, record: RenewalRecord, details: NonNullable<RenewalRecord['preview']>): Promise<RenewalRecord> {
  record.preview = { ...details };
  record.discrepancies = findDiscrepancies({ file: record.file!, apple: appleConfigOf(record), preview: record.preview, mdm: connectionNameOf(record) });
  if (record.step === 'handing-over') await rt.save(record, 'previewed');
  return rt.save(record, 'awaiting-confirmation');
}

/**
 * The admin said yes: commit through the writer. `recheckApple`: a resend, so first ask Apple whether the file
 * still works (a renew is not idempotent). `undelivered`: the commit could not be given to the MDM at all.
 */
export async function commitWrite(
  rt: RenewalRuntime,
  record: RenewalRecord,
  { recheckApple = false }: { recheckApple?: boolean } = {},
): Promise<{ record: RenewalRecord; undelivered?: Problem }> {
  const text = await rt.deps.vault.get(record.id);
  const target = await rt.targetOf(record);
  const writer = target?.adapter.writer;
  if (!target || !writer) return { record: await rt.failConnectionGone(record, 'renewing') };
  // A writer that prepared with the file has handed it over already; any other needs it now.
  if (!text && !writer.preparesWithFile) return { record: await rt.failTokenGone(record, 'renewing') };
  if (target.adapter.requiresAppleVerifiedLocation) {
    const unverified = unverifiedLocation(record, target.name);
    if (unverified) return { record: await rt.fail(record, unverified) };
  }
  if (recheckApple && text) {
    const dead = await appleRecheck(rt, record, text, target.name, { blockWhenUnasked: true });
    if (dead) return { record: await rt.fail(record, dead) };
  }
  record.failure = undefined;
  await rt.save(record, 'renewing');
  const reclaim = Boolean(record.otherMdm && record.otherMdmAccepted && !record.reclaimedAt);
  const committed = await writer.commit(rt.jobOf(record), text ?? '', rt.ioOf(record, 'renewing'), {
    reclaim,
    // Kept at once: a retry must not take the location over twice.
    reclaimed: async () => {
      record.retrying = undefined;
      record.reclaimedAt = rt.now().toISOString();
      await rt.save(record, 'renewing');
    },
  });
  record.retrying = undefined;
  if (!committed.ok) {
    const problem = committed.error;
    if ('retryable' in problem) {
      // The writer's own words: its page could not be given the commit.
      const failed = await rt.fail(record, { ...problem, step: problem.step ?? 'awaiting-confirmation' });
      return { record: failed, undelivered: problem };
    }
    // A 5xx may be the MDM choking on a dead file (Fleet does not map Apple's 9621/9625): Apple says which.
    if (uncertainWrite(problem) && text) {
      const dead = await appleRecheck(rt, record, text, target.name, { blockWhenUnasked: false });
      if (dead) return { record: await rt.fail(record, { ...dead, detail: problem.detail }) };
    }
    return { record: await rt.failService(record, problem, 'renewing', text) };
  }
  if (!committed.value.landed) return { record };
  record.renewedAt = rt.now().toISOString();
  return { record: await followCommitted(rt, record, target) };
}

/** A commit whose answer is unknown (a restarted worker, a closed page, a Retry): its writer says how to find out. */
export async function recoverCommit(rt: RenewalRuntime, record: RenewalRecord, resumed: boolean): Promise<RenewalRecord> {
  const target = await rt.targetOf(record);
  if (!target?.adapter.writer) return rt.failConnectionGone(record, 'renewing');
  const decision = await target.adapter.writer.recover(rt.jobOf(record), { resumed, lastFailure: record.failure, adapter: target.adapter });
  record.retrying = undefined;
  switch (decision.kind) {
    case 'wait':
      return record;
    case 'recommit':
      return (await commitWrite(rt, record, { recheckApple: decision.recheckApple })).record;
    case 'unknown':
      return rt.failService(record, decision.problem, 'renewing');
    case 'landed':
      record.renewedAt ??= decision.renewedAt ?? rt.now().toISOString();
      return followCommitted(rt, record, target);
    case 'not-landed':
      if (!(await rt.deps.vault.get(record.id))) return rt.fail(record, lostToken('renewing', target.name));
      return rt.fail(record, { ...decision.failure, step: decision.failure.step ?? 'renewing' });
  }
}

/** A write being prepared when the worker restarted: its writer's bounds decide. */
export async function resumePrepare(rt: RenewalRuntime, record: RenewalRecord): Promise<void> {
  const writer = await writerOf(rt, record);
  if (!writer?.resumePrepare) return;
  const decision = await writer.resumePrepare(rt.jobOf(record), record.step as WriteStep);
  if (decision === 'wait') return;
  if (decision === 'restart') {
    rt.track(rt.exclusive(record, () => prepareWrite(rt, record, writer)));
    return;
  }
  await rt.fail(record, { ...decision, step: decision.step ?? record.step });
}

export async function writerOf(rt: RenewalRuntime, record: RenewalRecord): Promise<RenewalWriter | undefined> {
  return (await rt.targetOf(record))?.adapter.writer;
}

/**
 * Before (or instead of) resending: is the file still alive for Apple? A failure to return when Apple refuses it, in
 * Apple's words; when Apple cannot be asked, a failure only if `blockWhenUnasked`.
 */
async function appleRecheck(
  rt: RenewalRuntime,
  record: RenewalRecord,
  text: string,
  mdm: string,
  { blockWhenUnasked }: { blockWhenUnasked: boolean },
): Promise<RenewalFailure | undefined> {
  const answer = await rt.deps.createApple(rt.retryReporter(record)).getClientConfig(text);
  record.retrying = undefined;
  if (answer.ok) return undefined;
  if (appleNotConsulted(answer.error)) {
    if (!blockWhenUnasked) return undefined;
    return {
      kind: 'apple-unreachable',
      message: t('problemTheLastTryToSendThis', mdm, answer.error.message),
      nextStep: t('problemChooseRetryInAFewMinutes'),
      step: 'renewing',
      retryable: true,
    };
  }
  return {
    kind: answer.error.kind,
    message: t('problemDidNotRenew', mdm, locationLabel(record), answer.error.message),
    nextStep: DOWNLOAD_AGAIN,
    step: 'renewing',
    retryable: false,
  };
}

/** Unicode-normalised and trimmed, case kept: stricter than matchTokensByName, as it guards what the MDM overwrites. */
const exactlySameName = (a: string | undefined, b: string | undefined) =>
  Boolean(a?.trim()) && a!.normalize('NFC').trim() === b?.normalize('NFC').trim();

/**
 * For an MDM that stores any file it gets (adapter.requiresAppleVerifiedLocation): Apple must have confirmed the
 * file's location name, equal to the token's, and the file's organisation must equal the token's.
 */
function unverifiedLocation(record: RenewalRecord, mdm: string): RenewalFailure | undefined {
  const apple = record.apple;
  const location = locationLabel(record);
  if (apple?.status !== 'verified' || !apple.locationName) {
    const skipped = apple?.status === 'skipped';
    return {
      kind: 'apple-not-verified',
      message: skipped ? t('problemUnverifiedCheckOff', mdm, location) : t('problemUnverifiedAppleUnreachable', mdm, location),
      nextStep: skipped
        ? t('problemTurnOnCheckEachTokenWith')
        : t('problemChooseRetryInAFewMinutes'),
      step: 'verified',
      retryable: true,
    };
  }
  const match = record.match;
  if (!exactlySameName(apple.locationName, match?.locationName) || !exactlySameName(record.file?.orgName, match?.orgName)) {
    return {
      kind: 'location-mismatch',
      message: t('problemAppleSaysThisFileIsFor', apple.locationName, record.file?.orgName ?? '?', mdm, match?.locationName ?? '?', match?.orgName ?? '?', mdm),
      nextStep: t('problemInAppleBusinessManagerOrApple', mdm),
      step: 'matched',
      retryable: false,
    };
  }
  return undefined;
}

/** After a browser restart the token held in memory is gone; say what that means for this step. */
export function lostToken(step: RenewalRecord['step'], mdm: string): RenewalFailure {
  const saving = step === 'renewing';
  return {
    kind: 'interrupted',
    message: saving
      ? t('problemTheBrowserWasClosedWhileToken', mdm, mdm)
      : t('problemTheBrowserWasClosedBeforeThis', mdm),
    nextStep: saving
      ? t('problemCheckTheTokensLastSuccessfulSync', mdm)
      : t('problemTheVpptokenFileIsStillIn'),
    step,
    retryable: false,
  };
}

export type { Target };
