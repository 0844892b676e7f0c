import type { TokenHealth } from '../../../lib/health/health-state';
import type { BatchDeps } from '../../../lib/batch/batch-runner';
import type { RenewalRecord } from '../../../lib/renewal/renewal-record';
import { memoryBatchStore } from '../../../lib/storage/batch-store';

/** A due (or not) Addigy token of the Springfield district, as the watch reports it. */
export function districtToken(n: number, state: TokenHealth['state'] = 'expiring-soon'): TokenHealth {
  return {
    locationId: `loc-${n}`,
    locationName: `School ${n}`,
    orgName: 'Springfield District',
    websiteURL: 'https://school.apple.com',
    expiresAt: new Date(Date.UTC(2027, 0, n)).toISOString(),
    expirySource: 'addigy',
    daysLeft: n,
    state,
    reason: 'test',
  };
}

/**
 * A batch's world: Apple's page (which Downloads were pressed), the renewal pipeline as a double whose renewals stop
 * at awaiting-confirmation with what the MDM shows, and a clock.
 */
export function batchWorld(options: { tokens: TokenHealth[]; pageLocations?: string[]; tab?: number }) {
  let t = Date.parse('2026-12-06T12:00:00Z');
  const now = () => new Date(t);
  const pressed: string[] = [];
  const renewals = new Map<string, RenewalRecord>();
  const confirmed: string[] = [];
  const timers: Array<{ at: number; run: () => void }> = [];
  const changes: string[] = [];
  let ids = 0;
  /** What the MDM's window shows for a location (default: exactly what was confirmed). */
  const shows = new Map<string, Partial<{ name: string; organization: string; idNumber: string }>>();
  const refusePress = new Set<string>();
  const store = memoryBatchStore();
  const uIdOf = (location: string) => `UID-${location.replace(/\D/g, '')}`;

  const deps: BatchDeps = {
    store,
    now,
    newId: () => `id-${++ids}`,
    later: (run, ms) => timers.push({ at: t + ms, run }),
    onChange: (b) => changes.push(b.step),
    health: async () => options.tokens,
    apple: {
      findTab: async () => options.tab ?? 7,
      openTokensPage: async () => undefined,
      listLocations: async () => options.pageLocations ?? options.tokens.map((h) => h.locationName),
      download: async (_tab, location) => {
        if (refusePress.has(location)) return { ok: false, error: { kind: 'not-found', message: `no ${location}`, nextStep: 'x' } };
        pressed.push(location);
        return { ok: true, value: undefined };
      },
    },
    renewals: {
      async capture(input, id) {
        const location = input.fileName!.replace(/^sToken_for_|\.vpptoken$/g, '');
        const token = options.tokens.find((h) => h.locationName === location)!;
        const shown = { name: location, organization: token.orgName, idNumber: uIdOf(location), appleId: 'a@b', ...shows.get(location) };
        const record: RenewalRecord = {
          id,
          step: 'awaiting-confirmation',
          createdAt: now().toISOString(),
          updatedAt: now().toISOString(),
          source: input.source,
          fileName: input.fileName,
          discrepancies: [],
          file: { orgName: token.orgName, expiresAt: '2027-12-06T12:00:00.000Z' },
          apple: { status: 'verified', uId: uIdOf(location), locationName: location },
          match: { locationId: token.locationId, strength: 'uid', connectionId: 'addigy', connectionName: 'Addigy', kind: 'addigy', writes: 'console', locationName: location },
          preview: shown,
          console: { tabId: input.reuseTab ?? 99, since: now().toISOString() },
        };
        renewals.set(id, record);
        return record;
      },
      get: async (id) => structuredClone(renewals.get(id)),
      async confirm(id) {
        confirmed.push(id);
        const r = renewals.get(id)!;
        r.step = 'scanning';
        return { ok: true, value: r };
      },
      choose: async (id) => ({ ok: true, value: renewals.get(id)! }),
      async retry(id) {
        const r = renewals.get(id)!;
        r.step = 'scanning';
        return { ok: true, value: r };
      },
    },
  };
  return {
    deps,
    store,
    pressed,
    renewals,
    confirmed,
    shows,
    refusePress,
    changes,
    advance(ms: number) {
      t += ms;
      for (const timer of timers.splice(0).filter((x) => x.at <= t || (timers.push(x), false))) timer.run();
    },
    /** Apple's page hands over the file of the last pressed location. */
    fileFor: (location: string) => ({ via: 'blob' as const, fileName: `sToken_for_${location}.vpptoken`, text: `TOKEN-${location}` }),
    /** The MDM finished the renewal of that location. */
    finish(id: string, step: 'done' | 'failed' = 'done') {
      const r = renewals.get(id)!;
      r.step = step;
      if (step === 'done') r.newExpiry = '2027-12-06T12:00:00.000Z';
      else r.failure = { kind: 'refused', message: 'Addigy refused the file.', nextStep: 'Retry.', step: 'renewing', retryable: true };
    },
  };
}
