import { describe, expect, it } from 'vitest';
import { dueGroups, planBatch } from '../../../lib/batch/plan-batch';
import { districtToken } from './batch-test-world';

describe('planBatch', () => {
  const site = 'https://school.apple.com' as const;

  it('takes the due tokens whose location the page lists, soonest expiry first, and leaves the rest out', () => {
    const tokens = [districtToken(3), districtToken(1, 'revoked'), districtToken(2, 'valid'), districtToken(4, 'expired'), districtToken(5)];
    const plan = planBatch({ health: tokens, site, pageLocations: ['School 1', 'School 2', 'School 3', 'School 4'] })!;
    expect(plan.items.map((i) => i.locationName)).toEqual(['School 1', 'School 3', 'School 4']);
    expect(plan.items[0]).toMatchObject({ connectionId: 'addigy', tokenId: 'loc-1', mdm: 'addigy', health: 'revoked', state: 'queued', discrepancy: 'test' });
  });

  it('is one organisation on one site, and skips a name the page shows twice', () => {
    const other = { ...districtToken(6), orgName: 'Shelbyville', locationId: 'loc-6' };
    const business = { ...districtToken(7), websiteURL: 'https://business.apple.com' as const };
    const health = [districtToken(1), districtToken(2), districtToken(3), other, business];
    const plan = planBatch({ health, site, pageLocations: ['School 1', 'School 2', 'School 2', 'School 3', 'School 6', 'School 7'] })!;
    expect(plan.orgName).toBe('Springfield District');
    expect(plan.items.map((i) => i.locationName)).toEqual(['School 1', 'School 3']);
    expect(planBatch({ health: [districtToken(1)], site, orgName: 'Shelbyville', pageLocations: ['School 1'] })).toBeUndefined();
  });

  it('downloads a location held by two connections once, and says so', () => {
    const jamf = { ...districtToken(1), locationId: 'jamf-1:42', connectionName: 'Jamf Pro (District)', mdm: 'jamf-pro' as const };
    const plan = planBatch({ health: [districtToken(1), jamf], site, pageLocations: ['School 1'] })!;
    expect(plan.items).toHaveLength(1);
    expect(plan.items[0]!.discrepancy).toContain('Jamf Pro (District) holds this location too');
  });

  it('names the connection and the MDM’s own id of another connection’s token', () => {
    const jamf = { ...districtToken(1), locationId: 'jamf-1:42', connectionName: 'Jamf Pro (District)', mdm: 'jamf-pro' as const };
    expect(planBatch({ health: [jamf], site, pageLocations: ['School 1'] })!.items[0]).toMatchObject({ connectionId: 'jamf-1', tokenId: '42', mdm: 'jamf-pro' });
  });

  it('groups due tokens by organisation, the largest first', () => {
    const other = { ...districtToken(6), orgName: 'Shelbyville' };
    expect(dueGroups([districtToken(1), districtToken(2), other, districtToken(3, 'valid')]).map((g) => [g.orgName, g.tokens.length])).toEqual([
      ['Springfield District', 2],
      ['Shelbyville', 1],
    ]);
  });
});
