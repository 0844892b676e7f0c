import { describe, expect, it } from 'vitest';
import { RESUME_ALARM } from '../../../lib/messaging/popup-state';
import { ensureWatchAlarm, routeAlarm, startUp, WATCH_ALARM, type StartUpSteps } from '../../../lib/worker-lifecycle/worker-lifecycle';

function steps(fail: Partial<Record<keyof StartUpSteps, boolean>> = {}) {
  const ran: string[] = [];
  const step = (name: keyof StartUpSteps) => async () => {
    ran.push(name);
    if (fail[name]) throw new Error(`${name} failed`);
  };
  const all: StartUpSteps = {
    migrateSettings: step('migrateSettings'),
    sweepOrphanTokens: step('sweepOrphanTokens'),
    settleOwnDownloads: step('settleOwnDownloads'),
    resumeRenewals: step('resumeRenewals'),
    publish: step('publish'),
    publishButtonTarget: step('publishButtonTarget'),
  };
  return { all, ran };
}

describe('startUp', () => {
  it('migrates, sweeps orphan tokens, settles own downloads, resumes, publishes, in that order', async () => {
    const { all, ran } = steps();
    await startUp(all);
    expect(ran).toEqual(['migrateSettings', 'sweepOrphanTokens', 'settleOwnDownloads', 'resumeRenewals', 'publish', 'publishButtonTarget']);
  });

  it('still sweeps when the migration fails, and still resumes when the sweep fails', async () => {
    const a = steps({ migrateSettings: true });
    await startUp(a.all);
    expect(a.ran).toEqual(['migrateSettings', 'sweepOrphanTokens', 'settleOwnDownloads', 'resumeRenewals', 'publish', 'publishButtonTarget']);
    const b = steps({ sweepOrphanTokens: true });
    await startUp(b.all);
    expect(b.ran).toEqual(['migrateSettings', 'sweepOrphanTokens', 'resumeRenewals', 'publish', 'publishButtonTarget']);
  });

  it('never rejects, and a failed resume stops the publishing after it', async () => {
    const { all, ran } = steps({ resumeRenewals: true });
    await expect(startUp(all)).resolves.toBeUndefined();
    expect(ran).toEqual(['migrateSettings', 'sweepOrphanTokens', 'settleOwnDownloads', 'resumeRenewals']);
  });
});

describe('alarms', () => {
  it('routes the resume alarm to the renewals and the watch alarm to the tokens, and ignores others', () => {
    const ran: string[] = [];
    const on = { resumeRenewals: async () => void ran.push('resume'), refreshTokens: async () => void ran.push('refresh') };
    routeAlarm(RESUME_ALARM, on);
    routeAlarm(WATCH_ALARM, on);
    routeAlarm('someone-else', on);
    expect(ran).toEqual(['resume', 'refresh']);
  });

  it('creates the watch alarm (every 6 hours, first in a minute) only when it is missing', async () => {
    const created: unknown[] = [];
    const alarms = (existing: unknown) => ({ get: async () => existing, create: async (name: string, info: unknown) => void created.push([name, info]) });
    await ensureWatchAlarm(alarms({ name: WATCH_ALARM }));
    expect(created).toEqual([]);
    await ensureWatchAlarm(alarms(undefined));
    expect(created).toEqual([[WATCH_ALARM, { periodInMinutes: 360, delayInMinutes: 1 }]]);
  });
});
