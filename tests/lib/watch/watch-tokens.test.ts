import { describe, expect, it } from 'vitest';
import { watchTokens, type WatchDeps } from '../../../lib/watch/watch-tokens';
import type { AddigyToken } from '../../../lib/mdm/addigy/schemas';
import { memoryWatchDeps } from '../../support/watch-deps';
import { err, ok } from '../../../lib/result';
import { addigyProblem } from '../../support/fake-apis';

const NOW = new Date('2026-11-24T12:00:00Z');
const inDays = (d: number) => new Date(NOW.getTime() + d * 86_400_000).toISOString();

const setup = (tokens: AddigyToken[], overrides: Partial<WatchDeps> = {}) => memoryWatchDeps(NOW, tokens, overrides);

const token = (locationId: string, days: number, extra: Partial<AddigyToken> = {}): AddigyToken => ({
  locationId,
  orgName: 'Acme Corp',
  inheritedFrom: null,
  lastSyncingStatus: 'success',
  lastSync: inDays(-1),
  clientConfig: { uId: locationId.toUpperCase(), locationName: locationId, tokenExpirationDate: inDays(days), websiteURL: 'https://business.apple.com', mdmInfo: { name: 'Addigy' } },
  ...extra,
});

describe('watchTokens', () => {
  it('saves every token’s health and notifies a token 7 days from expiry once', async () => {
    const { deps, notified, snapshot } = setup([token('main', 200), token('north', 7)]);
    await watchTokens(deps);
    expect(snapshot().health.map((h) => [h.locationId, h.state])).toEqual(
      expect.arrayContaining([['main', 'valid'], ['north', 'expiring-soon']]),
    );
    expect(snapshot().fetchedAt).toBe(NOW.toISOString());
    expect(notified).toHaveLength(1);
    expect(notified[0]).toMatchObject({ locationId: 'north', url: 'https://business.apple.com/#/main/preferences/paymentsandbilling/appsandbooks' });
    await watchTokens(deps);
    expect(notified).toHaveLength(1);
  });

  it('keeps the last picture and records why when Addigy cannot be read', async () => {
    const { deps, snapshot } = setup([token('main', 200)]);
    await watchTokens(deps);
    deps.addigy = async () => ({ listTokens: async () => err(addigyProblem('unauthorized', false, 401)), listTokenEvents: async () => ok([]) });
    await watchTokens(deps);
    expect(snapshot().health).toHaveLength(1);
    expect(snapshot().problem?.kind).toBe('unauthorized');
  });

  it('does nothing before an API key is saved', async () => {
    const { deps, notified, snapshot } = setup([token('north', 1)], { addigy: async () => undefined });
    await watchTokens(deps);
    expect(snapshot().health).toEqual([]);
    expect(notified).toEqual([]);
  });

  it('flags a revoked token even when its expiry is far away', async () => {
    const { deps, notified, snapshot } = setup([
      token('design', 300, { lastSyncingStatus: 'error', errMsg: '401 - error while retrieving token assets || 9625 - The server has revoked the sToken.' }),
    ]);
    await watchTokens(deps);
    expect(snapshot().health[0]?.state).toBe('revoked');
    expect(notified).toHaveLength(1);
  });
});
