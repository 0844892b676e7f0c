import type { Problem, Result } from '../result';
import type { WriteHost } from '../mdm/renewal-writer';
import { captureFile, runChecks, type CaptureInput } from './check-stage';
import { followAgain } from './follow-stage';
import { matched } from './match-stage';
import { isFinished, type RenewalRecord } from './renewal-record';
import { RenewalRuntime, type RenewalDeps } from './renewal-runtime';
import { writeHostOf, isWriteStep } from './write-host';
import { commitWrite, lostToken, prepareWrite, recoverCommit, resumePrepare, writerOf } from './write-stage';
import { t } from '../i18n/messages';

export type { AppleApi, RenewalDeps } from './renewal-runtime';
export type { CaptureInput } from './check-stage';

export type IntentProblem = Problem;

/**
 * The renewal pipeline, in stages: captured → checked (the file, then Apple: check-stage) → matched across every
 * connection (match-stage) → prepared by the connection's writer → awaiting confirmation → committed (write-stage)
 * → following → done or failed (follow-stage). It knows MDMs only through their adapters and writers
 * (lib/mdm/mdm-adapter.ts, lib/mdm/renewal-writer.ts). Each step is persisted before the next begins, so a restarted
 * worker can resume or report it.
 */
export class RenewalMachine {
  private readonly rt: RenewalRuntime;
  /** Renewals whose confirm is committing right now, for writers whose commit answers at once. */
  private readonly committing = new Set<string>();
  /** The pipeline's side of a write whose page reports on its own. */
  readonly writeHost: WriteHost;

  constructor(deps: RenewalDeps) {
    this.rt = new RenewalRuntime(deps);
    this.writeHost = writeHostOf(this.rt);
  }

  /**
   * A token file arrived. Returns the new renewal's record after its checks ran. `id`: chosen by a caller that must
   * know the renewal before its first step is stored (a batch keeps it with the location it downloaded).
   */
  capture(input: CaptureInput, id?: string): Promise<RenewalRecord> {
    return captureFile(this.rt, input, id ?? this.rt.deps.newId?.() ?? crypto.randomUUID());
  }

  /** The renewal's record as stored (a batch follows its locations' renewals by id). */
  get(id: string): Promise<RenewalRecord | undefined> {
    return this.rt.deps.store.get(id);
  }

  /**
   * The user said yes in extension-owned UI: to the MDM's details (Token Relay commits), or, for a location another
   * MDM holds, to handing the token to the MDM's page at all.
   */
  async confirm(id: string, options: { acceptOtherMdm?: boolean } = {}): Promise<Result<RenewalRecord, IntentProblem>> {
    const record = await this.rt.deps.store.get(id);
    if (!record) return unknownRenewal();
    if (record.step !== 'awaiting-confirmation' || !record.match) return wrongStep(record);
    const writer = await writerOf(this.rt, record);
    if (!writer) return { ok: true, value: await this.rt.failConnectionGone(record, 'awaiting-confirmation') };
    if (!record.preview) {
      // Nothing shown yet: preparing hands the file over, so the extra yes comes first.
      if (record.otherMdm && !options.acceptOtherMdm) return needsOverride(record);
      record.otherMdmAccepted = true;
      this.rt.track(this.rt.exclusive(record, () => prepareWrite(this.rt, record, writer)));
      return { ok: true, value: record };
    }
    if (record.otherMdm && !record.otherMdmAccepted && !options.acceptOtherMdm) return needsOverride(record);
    if (record.otherMdm) record.otherMdmAccepted = true;
    if (!writer.commitAnswersAtOnce) {
      this.rt.track(this.rt.exclusive(record, async () => (await commitWrite(this.rt, record)).record));
      return { ok: true, value: record };
    }
    // Two confirmations at once both read awaiting-confirmation: only the first commits.
    if (this.committing.has(record.id)) return { ok: true, value: record };
    this.committing.add(record.id);
    try {
      const { undelivered } = await commitWrite(this.rt, record);
      if (undelivered) return { ok: false, error: { kind: undelivered.kind, message: undelivered.message, nextStep: undelivered.nextStep } };
      return { ok: true, value: record };
    } finally {
      this.committing.delete(record.id);
    }
  }

  /** Try a failed renewal again with the token it already has. */
  async retry(id: string): Promise<Result<RenewalRecord, IntentProblem>> {
    const record = await this.rt.deps.store.get(id);
    if (!record) return unknownRenewal();
    if (record.step !== 'failed' || !record.failure?.retryable) return wrongStep(record);
    const failedAt = record.failure.step;
    const rt = this.rt;
    if (record.match && failedAt === 'renewing') rt.track(rt.exclusive(record, () => recoverCommit(rt, record, false)));
    else if (record.match && failedAt === 'scanning') rt.track(rt.exclusive(record, () => followAgain(rt, record)));
    else if (record.match && isWriteStep(failedAt)) rt.track(this.prepareAgain(record));
    else rt.track(runChecks(rt, id));
    return { ok: true, value: record };
  }

  /**
   * The admin picked which connection's token the file renews, among the candidates the popup listed.
   * Nothing went to any MDM before this.
   */
  async choose(id: string, pick: { connectionId: string; tokenId: string }): Promise<Result<RenewalRecord, IntentProblem>> {
    const record = await this.rt.deps.store.get(id);
    if (!record) return unknownRenewal();
    if (record.step !== 'awaiting-confirmation' || record.match || !record.candidates?.length) return wrongStep(record);
    const candidate = record.candidates.find((c) => c.connectionId === pick.connectionId && c.tokenId === pick.tokenId);
    if (!candidate) {
      return {
        ok: false,
        error: { kind: 'unknown-candidate', message: t('problemThatTokenIsNotOneOf'), nextStep: t('problemReopenThePopupAndPickAgain') },
      };
    }
    this.rt.track(this.rt.exclusive(record, () => matched(this.rt, record, candidate)));
    return { ok: true, value: record };
  }

  async discard(id: string): Promise<Result<RenewalRecord, IntentProblem>> {
    const record = await this.rt.deps.store.get(id);
    if (!record) return unknownRenewal();
    if (record.step === 'renewing' || record.step === 'scanning' || record.step === 'done' || record.step === 'discarded') {
      return wrongStep(record);
    }
    await this.rt.deps.vault.wipe(id);
    // A failure stays in history as what happened; it only stops asking for attention.
    if (record.step === 'failed') {
      record.dismissed = true;
      record.failure = record.failure && { ...record.failure, retryable: false };
      return { ok: true, value: await this.rt.save(record, 'failed') };
    }
    return { ok: true, value: await this.rt.save(record, 'discarded') };
  }

  /** After a worker restart, and on every resume alarm: pick unfinished renewals up again, or say why they stopped. */
  async resume(): Promise<void> {
    const rt = this.rt;
    for (const record of await rt.deps.store.list()) {
      if (rt.isRunning(record.id)) continue;
      const waitsForToken = record.step === 'failed' && record.failure?.retryable && record.failure.step !== 'scanning';
      if (isFinished(record) && !waitsForToken) continue;
      const token = await rt.deps.vault.get(record.id);
      const tokenNeeded = record.step !== 'scanning' && record.step !== 'renewing';
      if (!token && tokenNeeded) {
        await rt.fail(record, lostToken(record.step === 'failed' ? record.failure!.step : record.step, await this.mdmNameOf(record)));
        continue;
      }
      switch (record.step) {
        case 'failed':
        case 'awaiting-confirmation':
          break;
        case 'scanning':
          rt.track(rt.exclusive(record, () => followAgain(rt, record)));
          break;
        case 'renewing':
          // The commit may or may not have landed: its writer says how to find out.
          rt.track(rt.exclusive(record, () => recoverCommit(rt, record, true)));
          break;
        case 'previewed':
          // Stopped between reading the MDM's details and saying so: the confirmation is there.
          if (record.preview) await rt.save(record, 'awaiting-confirmation');
          else await resumePrepare(rt, record);
          break;
        case 'handing-over':
          await resumePrepare(rt, record);
          break;
        default:
          rt.track(runChecks(rt, record.id));
      }
    }
  }

  /** Resolves when every flow started by an intent has finished (tests and shutdown). */
  settled(): Promise<void> {
    return this.rt.settled();
  }

  /** Is any renewal being worked on right now (the worker should stay awake)? */
  get busy(): boolean {
    return this.rt.busy;
  }

  private prepareAgain(record: RenewalRecord): Promise<RenewalRecord> {
    return this.rt.exclusive(record, async () => {
      const writer = await writerOf(this.rt, record);
      if (!writer) return this.rt.failConnectionGone(record, record.failure?.step ?? 'handing-over');
      return prepareWrite(this.rt, record, writer);
    });
  }

  /** The MDM a renewal was for: its connection, or before a match every connection there is. */
  private async mdmNameOf(record: RenewalRecord): Promise<string> {
    if (record.match?.connectionName) return record.match.connectionName;
    const names = (await this.rt.deps.connections()).map((c) => c.connection.name);
    return names.length ? [...new Set(names)].join(' or ') : t('problemYourMDM');
  }
}

function needsOverride(record: RenewalRecord): { ok: false; error: IntentProblem } {
  return {
    ok: false,
    error: {
      kind: 'needs-mdm-override',
      message: t('problemThisLocationIsInUseBy', String(record.otherMdm)),
      nextStep: t('problemConfirmThatShouldTakeItOver', record.match?.connectionName ?? t('problemYourMDM')),
    },
  };
}

function unknownRenewal(): { ok: false; error: IntentProblem } {
  return { ok: false, error: { kind: 'unknown-renewal', message: t('problemThatRenewalNoLongerExists'), nextStep: t('problemReopenThePopup') } };
}

function wrongStep(record: RenewalRecord): { ok: false; error: IntentProblem } {
  return {
    ok: false,
    error: {
      kind: 'wrong-step',
      message: t('problemThatActionDoesNotApplyThe', record.step.replace(/-/g, ' ')),
      nextStep: t('problemReopenThePopupToSeeIts'),
    },
  };
}
