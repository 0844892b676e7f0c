import { describe, expect, it } from 'vitest';
import { watchTokens, type WatchedConnection } from '../../../lib/watch/watch-tokens';
import type { AddigyToken } from '../../../lib/mdm/addigy/schemas';
import { memoryWatchDeps } from '../../support/watch-deps';
import type { MdmProblem, MdmToken } from '../../../lib/mdm/mdm-adapter';
import { deriveMdmTokenHealth } from '../../../lib/health/mdm-token-health';
import { err, ok } from '../../../lib/result';

const NOW = new Date('2026-11-24T12:00:00Z');
const inDays = (d: number) => new Date(NOW.getTime() + d * 86_400_000).toISOString();

const addigyToken = (locationId: string, days: number, orgName = 'Acme Corp'): AddigyToken => ({
  locationId,
  orgName,
  inheritedFrom: null,
  lastSyncingStatus: 'success',
  lastSync: inDays(-1),
  clientConfig: { uId: locationId.toUpperCase(), locationName: locationId, tokenExpirationDate: inDays(days), websiteURL: 'https://business.apple.com', mdmInfo: { name: 'Addigy' } },
});
const mdmToken = (id: string, days: number, extra: Partial<MdmToken> = {}): MdmToken => ({
  id, locationName: `Loc ${id}`, orgName: 'Lakeside Health', expiresAt: inDays(days), state: 'ok', ...extra,
});

/** Other MDMs' connections beside the primary Addigy one (absent: no Addigy key). */
const setup = (others: WatchedConnection[], primary?: AddigyToken[]) => memoryWatchDeps(NOW, primary, { others: async () => others });

const problem: MdmProblem = { kind: 'server-error', message: 'Jamf Pro had a problem.', nextStep: 'Try later.', transient: true };

describe('watchTokens across connections', () => {
  it('lists every connection’s tokens, each keyed and named by its connection, and reminds naming the connection', async () => {
    const jamf: MdmToken[] = [mdmToken('1', 200), mdmToken('2', 6)];
    const { deps, snapshot, notified } = setup(
      [
        { connection: { id: 'jamf-1', name: 'Jamf Pro (Lakeside)', kind: 'jamf-pro' }, listTokens: async () => ok(jamf) },
        { connection: { id: 'addigy-2', name: 'Springfield', kind: 'addigy' }, addigy: { listTokens: async () => ok([addigyToken('north', 300, 'Springfield')]), listTokenEvents: async () => ok([]) } },
      ],
      [addigyToken('main', 100)],
    );
    await watchTokens(deps);
    expect(snapshot().health.map((h) => [h.locationId, h.connectionName, h.mdm, h.state])).toEqual([
      ['main', undefined, undefined, 'valid'],
      ['jamf-1:1', 'Jamf Pro (Lakeside)', 'jamf-pro', 'valid'],
      ['jamf-1:2', 'Jamf Pro (Lakeside)', 'jamf-pro', 'expiring-soon'],
      ['addigy-2:north', 'Springfield', 'addigy', 'valid'],
    ]);
    expect(notified).toHaveLength(1);
    expect(notified[0]!.title).toBe('Loc 2 in Jamf Pro (Lakeside): token expires in 6 days');
    expect(notified[0]!.message).toContain('send it to Jamf Pro (Lakeside).');
  });

  it('a connection that cannot be asked keeps its last picture and is named in the problem; the others are fresh', async () => {
    let jamfAnswer: ReturnType<typeof ok<MdmToken[]>> | ReturnType<typeof err<MdmProblem>> = ok([mdmToken('1', 200)]);
    const { deps, snapshot } = setup(
      [{ connection: { id: 'jamf-1', name: 'Jamf Pro', kind: 'jamf-pro' }, listTokens: async () => jamfAnswer }],
      [addigyToken('main', 100)],
    );
    await watchTokens(deps);
    jamfAnswer = err(problem);
    await watchTokens(deps);
    expect(snapshot().health.map((h) => h.locationId)).toEqual(['main', 'jamf-1:1']);
    expect(snapshot().problem?.message).toBe('Jamf Pro: Jamf Pro had a problem.');
    expect(snapshot().fetchedAt).toBe(NOW.toISOString());
  });
});

describe('deriveMdmTokenHealth', () => {
  const connection = { id: 'c', name: 'Intune', kind: 'intune' as const };
  const judge = (token: MdmToken) => deriveMdmTokenHealth({ connection, tokens: [token], now: NOW, reminderWindowDays: 30 })[0]!;

  it.each([
    ['ok', 200, 'valid'],
    ['ok', 10, 'expiring-soon'],
    ['ok', -2, 'expired'],
    ['expired', 100, 'expired'],
    ['revoked', 100, 'revoked'],
    ['invalid', 100, 'invalid'],
    ['duplicate-location', 100, 'invalid'],
    ['other-server', 100, 'other-mdm'],
    ['sync-failed', 100, 'sync-failed'],
    ['syncing', 100, 'syncing'],
  ] as const)('%s with %i days left is %s', (state, days, expected) => {
    expect(judge(mdmToken('x', days, { state })).state).toBe(expected);
  });

  it('says what happened in words that name the MDM, with the MDM’s own words', () => {
    const h = judge(mdmToken('x', 100, { state: 'other-server', stateDetail: 'assignedToExternalMDM' }));
    expect(h.reason).toBe('Apple says another MDM server uses this location, not this Microsoft Intune. Microsoft Intune says: “assignedToExternalMDM”');
    expect(h.nextStep).toContain('Microsoft Intune');
  });
});
