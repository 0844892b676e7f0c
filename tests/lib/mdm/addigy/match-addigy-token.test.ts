import { describe, expect, it } from 'vitest';
import type { AddigyToken } from '../../../../lib/mdm/addigy/schemas';
import type { AppleClientConfig } from '../../../../lib/apple/schemas';
import { matchAddigyToken } from '../../../../lib/mdm/addigy/match-addigy-token';

function addigyToken(locationId: string, fields: Partial<AddigyToken> & { uId?: string; locationName?: string | null } = {}): AddigyToken {
  const { uId, locationName, ...rest } = fields;
  return {
    locationId,
    orgName: 'Example School District',
    inheritedFrom: '',
    clientConfig: { uId: uId ?? `uid-${locationId}`, locationName: locationName === undefined ? `Location ${locationId}` : locationName },
    ...rest,
  };
}

const apple = (uId: string, locationName = 'Anything'): AppleClientConfig => ({ uId, locationName });
const file = { orgName: 'Example School District' };

function matched(result: ReturnType<typeof matchAddigyToken>) {
  if (!result.ok) throw new Error(`expected a match, got ${result.error.kind}`);
  return result.value;
}

describe('matchAddigyToken', () => {
  describe('rule 1: Apple uId equals the Addigy clientConfig.uId', () => {
    it('matches on uId even when every name differs', () => {
      const target = addigyToken('loc-2', { uId: '2048302', orgName: 'Renamed Org', locationName: 'Renamed Location' });
      const tokens = [addigyToken('loc-1', { uId: '1000001' }), target, addigyToken('loc-3', { uId: '3000003' })];
      expect(matched(matchAddigyToken({ tokens, apple: apple('2048302'), file }))).toEqual({
        token: target,
        strength: 'uid',
        candidates: 1,
      });
    });

    it('compares uIds exactly: no trimming, no case folding', () => {
      const tokens = [addigyToken('a', { uId: ' abc123' }), addigyToken('b', { uId: 'ABC123' })];
      expect(matchAddigyToken({ tokens, apple: apple('abc123'), file }).ok).toBe(false);
    });

    it('does not fall back to names when Apple answered and no uId matches', () => {
      const tokens = [addigyToken('only', { uId: '1000001', locationName: 'Anything' })];
      const result = matchAddigyToken({ tokens, apple: apple('9999999', 'Anything'), file });
      expect(result.ok || result.error.kind).toBe('no-match');
    });

    it('ignores Addigy tokens without a client config', () => {
      const tokens: AddigyToken[] = [{ locationId: 'bare', orgName: file.orgName }, { locationId: 'null', clientConfig: null }];
      const result = matchAddigyToken({ tokens, apple: apple('2048302'), file });
      expect(result.ok || result.error.kind).toBe('no-match');
    });
  });

  describe('rule 2: only without Apple, orgName and a single location', () => {
    it('matches on the organisation name, trimmed and case-insensitively, as a weaker match', () => {
      const target = addigyToken('loc-1', { orgName: '  EXAMPLE school district ' });
      const tokens = [addigyToken('other', { orgName: 'Another Org' }), target];
      expect(matched(matchAddigyToken({ tokens, file: { orgName: 'Example School District\n' } }))).toEqual({
        token: target,
        strength: 'name',
        candidates: 1,
      });
    });

    it('compares names as everywhere else (lib/text/same-name.ts): runs of spaces and an accent typed apart fold too', () => {
      const target = addigyToken('loc-1', { orgName: 'École  du   Nord', locationName: 'Cafe\u0301 Campus' });
      const tokens = [addigyToken('other', { orgName: 'Another Org' }), target];
      expect(matched(matchAddigyToken({ tokens, file: { orgName: '\u00c9cole du Nord', locationName: 'Café  Campus' } }))).toMatchObject({
        token: target,
        strength: 'name',
      });
    });

    it('accepts several tokens of one location (inheritance), compared case-insensitively', () => {
      const tokens = [
        addigyToken('p1', { uId: 'u1', locationName: 'Main Campus', inheritedFrom: 'policy-root' }),
        addigyToken('p2', { uId: 'u1', locationName: ' main campus ', inheritedFrom: null }),
      ];
      expect(matched(matchAddigyToken({ tokens, file }))).toMatchObject({ token: tokens[1], strength: 'name', candidates: 2 });
    });

    it('is ambiguous when the organisation has several locations in Addigy', () => {
      const tokens = [
        addigyToken('a', { locationName: 'North Campus' }),
        addigyToken('b', { locationName: 'South Campus' }),
      ];
      const result = matchAddigyToken({ tokens, file });
      if (result.ok) throw new Error('expected ambiguous');
      expect(result.error.kind).toBe('ambiguous');
      expect(result.error.message).toMatch(/Apple could not be reached/);
      expect(result.error.message).toMatch(/which location/);
      expect(result.error.nextStep).toMatch(/Apple can be reached/);
    });

    it('is ambiguous when one location name hides two different uIds', () => {
      const tokens = [
        addigyToken('a', { uId: 'u1', locationName: 'Main' }),
        addigyToken('b', { uId: 'u2', locationName: 'Main' }),
      ];
      expect(matchAddigyToken({ tokens, file })).toMatchObject({ ok: false, error: { kind: 'ambiguous' } });
    });

    it('does not match on an empty organisation name', () => {
      const tokens = [addigyToken('a', { orgName: '' }), addigyToken('b', { orgName: null })];
      expect(matchAddigyToken({ tokens, file: { orgName: '  ' } })).toMatchObject({ ok: false, error: { kind: 'no-match' } });
    });
  });

  describe('rule 3: several matches from policy inheritance', () => {
    it('renews the token that is not inherited', () => {
      const own = addigyToken('root', { uId: '2048302', inheritedFrom: '' });
      const tokens = [
        addigyToken('child-1', { uId: '2048302', inheritedFrom: 'root-policy' }),
        own,
        addigyToken('child-2', { uId: '2048302', inheritedFrom: 'root-policy' }),
      ];
      expect(matched(matchAddigyToken({ tokens, apple: apple('2048302'), file }))).toEqual({
        token: own,
        strength: 'uid',
        candidates: 3,
      });
    });

    it('treats null, missing and blank inheritedFrom as not inherited', () => {
      for (const inheritedFrom of [null, undefined, '   ']) {
        const own: AddigyToken = { ...addigyToken('own', { uId: 'u' }), inheritedFrom };
        const tokens = [addigyToken('child', { uId: 'u', inheritedFrom: 'p' }), own];
        expect(matched(matchAddigyToken({ tokens, apple: apple('u'), file })).token).toBe(own);
      }
    });

    it('takes the first when every match is inherited', () => {
      const tokens = [
        addigyToken('first', { uId: 'u', inheritedFrom: 'p1' }),
        addigyToken('second', { uId: 'u', inheritedFrom: 'p2' }),
      ];
      expect(matched(matchAddigyToken({ tokens, apple: apple('u'), file }))).toMatchObject({
        token: { locationId: 'first' },
        candidates: 2,
      });
    });
  });

  describe('rule 4: no match', () => {
    it('explains that the token belongs to a location Addigy does not know, and how to add it', () => {
      for (const input of [
        { tokens: [addigyToken('a', { uId: 'u1' })], apple: apple('u2'), file },
        { tokens: [addigyToken('a', { orgName: 'Other Org' })], file },
        { tokens: [], apple: apple('u2'), file },
        { tokens: [], file },
      ]) {
        const result = matchAddigyToken(input);
        if (result.ok) throw new Error('expected no match');
        expect(result.error.kind).toBe('no-match');
        expect(result.error.message).toContain('does not match');
        expect(result.error.message).toMatch(/only be renewed if its identifier matches/);
        expect(result.error.message).toMatch(/location Addigy does not know/);
        expect(result.error.nextStep).toContain('Policy → Integrations & Settings → Apple Apps → Add');
        expect(result.error.nextStep).toMatch(/transfer the app licences/);
      }
    });
  });
});

describe('matchAddigyToken with the location from the file name', () => {
  it('tells two locations of one organisation apart by the download name when Apple is unreachable', () => {
    const tokens: AddigyToken[] = [
      { locationId: 'a', orgName: 'Acme Corp', clientConfig: { uId: 'U1', locationName: 'Main Campus' } },
      { locationId: 'b', orgName: 'Acme Corp', clientConfig: { uId: 'U2', locationName: 'Warehouse' } },
    ];
    const result = matchAddigyToken({ tokens, file: { orgName: 'acme corp', locationName: 'warehouse' } });
    expect(result.ok && result.value.token.locationId).toBe('b');
    expect(result.ok && result.value.strength).toBe('name');
    expect(matchAddigyToken({ tokens, file: { orgName: 'Acme Corp', locationName: 'Elsewhere' } }).ok).toBe(false);
  });
});
