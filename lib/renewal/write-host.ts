import { WRITE_STEPS, type MdmDetails, type WriteFailure, type WriteHost, type WriteSession, type WriteStep, type WriteView } from '../mdm/renewal-writer';
import type { PageOutline } from '../page-report/outline-schema';
import { followCommitted } from './follow-stage';
import { locationLabel, type RenewalRecord } from './renewal-record';
import type { RenewalRuntime } from './renewal-runtime';
import { recoverCommit, shown } from './write-stage';

/**
 * The pipeline as a writer's page talks to it (Addigy's console tab reports on its own). Every call checks the
 * renewal's step: a report at the wrong step, or about a renewal that moved on, changes nothing.
 */
/** How often the MDM's list is looked at while the admin confirms in its page: quick at first, then every 15 s. */
const LANDING_POLL_MS = [2_000, 3_000, 5_000, 8_000, 15_000];

export function writeHostOf(rt: RenewalRuntime): WriteHost {
  const watching = new Set<string>();
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
    async progressed(id, session, extra) {
      const record = await under(id);
      if (record?.step !== 'handing-over') return;
      record.console = session;
      if (extra?.pageReport) record.pageReport = extra.pageReport;
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
    followFromHandOver(id, boundMs, notTaken) {
      if (watching.has(id)) return;
      watching.add(id);
      rt.track(
        (async () => {
          try {
            let waited = 0;
            for (let look = 0; ; look++) {
              const delay = LANDING_POLL_MS[Math.min(look, LANDING_POLL_MS.length - 1)]!;
              await rt.sleep(delay);
              waited += delay;
              const record = await under(id);
              // Moved on: committed through the popup (its own follow), failed, discarded, or handed over again.
              const handedAt = record?.console?.fileHandedAt;
              if (!record || !handedAt || record.step === 'renewing') return;
              const target = await rt.targetOf(record);
              if (!target) return;
              const list = await target.adapter.listTokens();
              record.retrying = undefined;
              const token = list.ok ? list.value.find((t) => t.id === record.match!.locationId) : undefined;
              const since = new Date(handedAt);
              const outcome = token && target.adapter.outcome(token, { expiresAt: record.file!.expiresAt, since, location: locationLabel(record), firstLook: true });
              if (outcome?.state === 'done') {
                // The admin's own confirmation in the MDM's page: it holds the file now.
                record.savedBy = 'admin';
                record.renewedAt = handedAt;
                await rt.exclusive(record, () => followCommitted(rt, record, target));
                return;
              }
              if (waited >= boundMs) {
                const latest = await under(id);
                if (latest?.console?.fileHandedAt === handedAt && latest.step !== 'renewing') {
                  await rt.fail(latest, { ...notTaken, step: notTaken.step ?? latest.step });
                }
                return;
              }
            }
          } finally {
            watching.delete(id);
          }
        })(),
      );
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
