import { describe, expect, it } from 'vitest';
import { findDiscrepancies } from '../../../lib/renewal/discrepancies';
import type { AppleClientConfig } from '../../../lib/apple/schemas';
import type { ConsoleConfirmation } from '../../../lib/addigy-console/console-messages';

const FILE = { orgName: 'Acme Corp', expiresAt: '2030-11-08T22:33:22.000Z' };
const APPLE: AppleClientConfig = { uId: 'LOC-1001', locationName: 'Main Campus', tokenExpirationDate: '2030-11-08T22:33:22+00:00' };
/** What Addigy's confirmation window shows: no expiry. */
const PREVIEW: ConsoleConfirmation = { idNumber: '4410021', name: 'Main Campus', appleId: 'it-admin@acme.example', organization: 'Acme Corp' };

describe('findDiscrepancies', () => {
  it('finds nothing when the file, Apple and Addigy agree', () => {
    expect(findDiscrepancies({ mdm: 'Addigy', file: FILE, apple: APPLE, preview: PREVIEW })).toEqual([]);
  });

  it('ignores case and surrounding whitespace in names', () => {
    const preview = { ...PREVIEW, organization: '  ACME corp ', name: 'main campus\n' };
    expect(findDiscrepancies({ mdm: 'Addigy', file: FILE, apple: { ...APPLE, locationName: ' Main CAMPUS' }, preview })).toEqual([]);
  });

  it('tolerates expiry dates less than a day apart (time zones, rounding)', () => {
    const apple = { ...APPLE, tokenExpirationDate: '2030-11-08T00:00:00-08:00' };
    expect(findDiscrepancies({ mdm: 'Addigy', file: FILE, apple, preview: PREVIEW })).toEqual([]);
  });

  it('compares only the file and Addigy when Apple was not consulted', () => {
    expect(findDiscrepancies({ mdm: 'Addigy', file: FILE, preview: PREVIEW })).toEqual([]);
    // Nothing about Apple can be said without Apple's answer.
    const found = findDiscrepancies({ mdm: 'Addigy', file: FILE, preview: { ...PREVIEW, name: 'Warehouse' } });
    expect(found).toEqual([]);
  });

  it('names both organisations when the file and Addigy disagree', () => {
    const found = findDiscrepancies({ mdm: 'Addigy', file: FILE, apple: APPLE, preview: { ...PREVIEW, organization: 'Globex Inc' } });
    expect(found).toHaveLength(1);
    expect(found[0]).toContain('"Acme Corp"');
    expect(found[0]).toContain('"Globex Inc"');
    expect(found[0]).toMatch(/organisation/);
  });

  it("names both locations when Apple's location differs from Addigy's token", () => {
    const found = findDiscrepancies({ mdm: 'Addigy', file: FILE, apple: APPLE, preview: { ...PREVIEW, name: 'Warehouse' } });
    expect(found).toHaveLength(1);
    expect(found[0]).toContain('"Main Campus"');
    expect(found[0]).toContain('"Warehouse"');
    expect(found[0]).toMatch(/Apple/);
  });

  it('never compares an expiry with Addigy: its confirmation window shows none, and extra fields are ignored', () => {
    const withStrayDate = { ...PREVIEW, expirationDate: '2029-11-08T22:33:22Z' } as ConsoleConfirmation;
    expect(findDiscrepancies({ mdm: 'Addigy', file: FILE, preview: withStrayDate })).toEqual([]);
    expect(findDiscrepancies({ mdm: 'Addigy', file: FILE, apple: APPLE, preview: withStrayDate })).toEqual([]);
  });

  it('names both dates when the file and Apple disagree on expiry', () => {
    const found = findDiscrepancies({ mdm: 'Addigy', file: FILE, apple: { ...APPLE, tokenExpirationDate: '2031-01-15T00:00:00+00:00' }, preview: PREVIEW });
    expect(found).toHaveLength(1);
    expect(found[0]).toContain('2030-11-08');
    expect(found[0]).toContain('2031-01-15');
    expect(found[0]).toMatch(/Apple/);
  });

  it('reports each disagreement once, all together', () => {
    const found = findDiscrepancies({ mdm: 'Addigy',
      file: FILE,
      apple: { ...APPLE, locationName: 'North High', tokenExpirationDate: '2031-01-15T00:00:00Z' },
      preview: { ...PREVIEW, organization: 'Globex Inc' },
    });
    expect(found).toHaveLength(3);
    expect(new Set(found).size).toBe(3);
    expect(found.join(' ')).toMatch(/organisation.*North High.*2031-01-15/);
  });

  it('says nothing about dates it cannot read', () => {
    expect(findDiscrepancies({ mdm: 'Addigy', file: FILE, apple: { ...APPLE, tokenExpirationDate: 'soon' }, preview: PREVIEW })).toEqual([]);
    expect(findDiscrepancies({ mdm: 'Addigy', file: { ...FILE, expiresAt: 'not a date' }, apple: APPLE, preview: PREVIEW })).toEqual([]);
  });

  it('says nothing about a location name Apple did not give', () => {
    const { locationName: _, ...withoutName } = APPLE;
    expect(findDiscrepancies({ mdm: 'Addigy', file: FILE, apple: withoutName, preview: { ...PREVIEW, name: 'Warehouse' } })).toEqual([]);
  });

  it('names the MDM whose details disagree, not Addigy, for a renewal through another MDM', () => {
    const found = findDiscrepancies({ mdm: 'Jamf Pro (Acme)', file: FILE, apple: APPLE, preview: { ...PREVIEW, organization: 'Globex Inc' } });
    expect(found).toEqual([`The file names the organisation "${FILE.orgName}", but Jamf Pro (Acme) shows "Globex Inc".`]);
  });
});
