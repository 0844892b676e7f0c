import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { fakeBrowser } from 'wxt/testing/fake-browser';
import { parseTokenSnapshot, readStoredSnapshot } from '../../../lib/messaging/stored-snapshot';
import { tokenSnapshotSchema } from '../../../lib/messaging/messages';

const HEALTH = {
  locationId: 'loc-main',
  locationName: 'Main Campus',
  orgName: 'Acme Corp',
  websiteURL: 'https://business.apple.com',
  expirySource: 'addigy',
  expiresAt: '2027-01-01T00:00:00.000Z',
  daysLeft: 30,
  state: 'valid',
  reason: 'Valid.',
};

describe('readStoredSnapshot', () => {
  beforeEach(() => fakeBrowser.reset());

  afterEach(() => delete (globalThis as { tokenRelayEarlySnapshot?: unknown }).tokenRelayEarlySnapshot);

  it('reads the overview’s stored picture, from the read public/popup-shell.js started early when there is one', async () => {
    await fakeBrowser.storage.local.set({ tokenSnapshot: { health: [HEALTH], fetchedAt: '2026-11-30T10:00:00.000Z' } });
    expect((await readStoredSnapshot())?.health.map((h) => h.locationName)).toEqual(['Main Campus']);
    (globalThis as { tokenRelayEarlySnapshot?: unknown }).tokenRelayEarlySnapshot = Promise.resolve({ health: [{ ...HEALTH, locationName: 'Early' }] });
    expect((await readStoredSnapshot())?.health.map((h) => h.locationName)).toEqual(['Early']);
  });

  it('shows nothing when the early read failed', async () => {
    (globalThis as { tokenRelayEarlySnapshot?: unknown }).tokenRelayEarlySnapshot = Promise.reject(new Error('storage failed'));
    expect(await readStoredSnapshot()).toBeUndefined();
  });

  it('shows nothing from a picture that does not parse (a content script can write storage.local)', async () => {
    await fakeBrowser.storage.local.set({ tokenSnapshot: { health: [{ ...HEALTH, state: 'fine' }] } });
    expect(await readStoredSnapshot()).toBeUndefined();
    await fakeBrowser.storage.local.set({ tokenSnapshot: '<img src=x onerror=alert(1)>' });
    expect(await readStoredSnapshot()).toBeUndefined();
  });
});

describe('parseTokenSnapshot, the popup’s first-frame check without zod', () => {
  const OPTIONAL = { connectionName: 'Jamf Pro (Acme)', mdm: 'jamf-pro', lastSync: '2026-11-30T09:00:00.000Z', nextStep: 'Renew it.' };
  const whole = { health: [{ ...HEALTH, ...OPTIONAL }], fetchedAt: '2026-11-30T10:00:00.000Z', problem: { kind: 'network', message: 'No answer.', nextStep: 'Try again.' } };
  /** Every field of a token, of the snapshot and of its problem, replaced by values of the wrong kind, or removed. */
  const WRONG = [undefined, null, 42, Number.NaN, Infinity, 'fine', '', true, [], {}, ['x']];
  const variants: unknown[] = [undefined, null, 'text', [], {}, { health: {} }, { health: [null] }, { health: [] }, whole];
  for (const key of Object.keys(whole.health[0]!)) for (const wrong of WRONG) variants.push({ ...whole, health: [{ ...whole.health[0], [key]: wrong }] });
  for (const key of ['health', 'fetchedAt', 'problem'] as const) for (const wrong of WRONG) variants.push({ ...whole, [key]: wrong });
  for (const key of ['kind', 'message', 'nextStep']) for (const wrong of WRONG) variants.push({ ...whole, problem: { ...whole.problem, [key]: wrong } });

  it('gives the verdict and the value of messages.ts’s tokenSnapshotSchema, for each of many right and wrong pictures', () => {
    let accepted = 0;
    for (const variant of variants) {
      const zod = tokenSnapshotSchema.safeParse(variant);
      // zod keeps an optional key given as undefined; the check leaves it out: the same picture either way.
      expect(JSON.stringify(parseTokenSnapshot(variant)), JSON.stringify(variant)).toBe(zod.success ? JSON.stringify(zod.data) : undefined);
      if (zod.success) accepted++;
    }
    expect(accepted).toBeGreaterThan(10);
  });

  it('keeps only the fields the overview knows', () => {
    const extra = { ...whole, script: 'x', health: [{ ...whole.health[0], onclick: 'alert(1)' }], problem: { ...whole.problem, html: '<b>' } };
    expect(parseTokenSnapshot(extra)).toEqual(whole);
  });
});
