import { describe, expect, it } from 'vitest';
import { matchTokensByName } from '../../../lib/renewal/match-by-name';
import type { MdmToken } from '../../../lib/mdm/mdm-adapter';

const token = (id: string, locationName: string, orgName?: string): MdmToken => ({ id, locationName, orgName, state: 'ok' });

// Jamf Pro, Intune and Fleet list no Apple identifier: their tokens are matched by name.
describe('matchTokensByName', () => {
  it('matches the location, and the organisation where the MDM lists one', () => {
    const tokens = [token('1', 'North High', 'Springfield Schools'), token('2', 'North High', 'Shelbyville'), token('3', 'South High')];
    expect(matchTokensByName(tokens, { locationName: 'North High', orgName: 'Springfield Schools' }).map((t) => t.id)).toEqual(['1']);
    expect(matchTokensByName(tokens, { locationName: 'South High', orgName: 'Springfield Schools' }).map((t) => t.id)).toEqual(['3']);
  });

  it('compares names as everywhere else (lib/text/same-name.ts): case, spacing and an accent typed apart', () => {
    const tokens = [token('1', 'Cafe\u0301  Campus', 'École du Nord')];
    expect(matchTokensByName(tokens, { locationName: 'café campus', orgName: '\u00c9cole  du Nord ' })).toHaveLength(1);
  });

  it('matches nothing without a location name: an organisation alone names many locations', () => {
    expect(matchTokensByName([token('1', 'North High', 'Springfield Schools')], { orgName: 'Springfield Schools' })).toEqual([]);
  });
});
