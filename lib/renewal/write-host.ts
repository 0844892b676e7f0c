import { WRITE_STEPS, type MdmDetails, type WriteFailure, type WriteHost, type WriteSession, type WriteStep, type WriteView } from '../mdm/renewal-writer';
import type { PageOutline } from '../page-report/outline-schema';
import { followCommitted } from './follow-stage';
import type { RenewalRecord } from './renewal-record';
import type { RenewalRuntime } from './renewal-runtime';
import { recoverCommit, shown } from './write-stage';

/**
 * The pipeline as a writer's page talks to it (Addigy's console tab reports on its own). Every call checks the
 * renewal's step: a report at the wrong step, or about a renewal that moved on, changes nothing.
 */
export function writeHostOf(rt: RenewalRuntime): WriteHost {
  const under = async (id: string): Promise<RenewalRecord | undefined> => {
    const record = await rt.deps.store.get(id);
    return record?.match && isWriteStep(record.step) ? record : undefined;
  };
  const viewOf = (record: RenewalRecord): WriteView => ({ renewalId: record.id, step: record.step as WriteStep, job: rt.jobOf(record) });

  return {
    async findWrite(match) {
      for (const record of await rt.deps.store.list()) {
        if (!record.match || !isWriteStep(record.step)) continue;
        const view = viewOf(record);
        if (match(view)) return view;
      }
      return undefined;
    },
    async writeOf(id) {
      const record = await under(id);
      return record && viewOf(record);
    },
    async handFile(id, session: WriteSession) {
      const record = await under(id);
      if (record?.step !== 'handing-over') return undefined;
      const text = await rt.deps.vault.get(id);
      if (!text) return undefined;
      // From now on the MDM's answers (its confirmation, its error) can be about this file.
      record.console = session;
      await rt.save(record, 'handing-over');
      return text;
    },
    async progressed(id, session) {
      const record = await under(id);
      if (record?.step !== 'handing-over') return;
      record.console = session;
      await rt.save(record, 'handing-over');
    },
    async shown(id, details: MdmDetails, session) {
      const record = await under(id);
      if (record?.step !== 'handing-over') return;
      record.console = session;
      await shown(rt, record, details);
    },
    async committed(id, by) {
      const record = await under(id);
      // The admin's own press in the MDM's window counts as the confirmation, as the popup's does.
      if (record?.step !== 'renewing' && record?.step !== 'awaiting-confirmation') return;
      record.savedBy = by;
      rt.track(
        rt.exclusive(record, async () => {
          const target = await rt.targetOf(record);
          if (!target) return rt.failConnectionGone(record, 'scanning');
          record.renewedAt = rt.now().toISOString();
          return followCommitted(rt, record, target);
        }),
      );
    },
    async failed(id, failure: WriteFailure, extra?: { pageReport?: { site: 'addigy' | 'apple'; outline: PageOutline } }) {
      const record = await under(id);
      if (!record) return;
      if (extra) record.pageReport = extra.pageReport;
      await rt.fail(record, { ...failure, step: failure.step ?? record.step });
    },
    recover(id) {
      rt.track(
        (async () => {
          const record = await under(id);
          if (record?.step === 'renewing') await rt.exclusive(record, () => recoverCommit(rt, record, false));
        })(),
      );
    },
  };
}

export const isWriteStep = (step: RenewalRecord['step']): step is WriteStep => (WRITE_STEPS as readonly string[]).includes(step);
