import { upgradeRenewalRecord } from '../../lib/storage/renewal-store';
import type { RenewalRecord } from '../../lib/renewal/renewal-record';

let ids = 0;

/** A renewal record in the given step, with only what every record has. */
/** A record as the popup gets it: read from storage, so in today's shape (a fixture may be written in an older one). */
export const renewalRecord = (step: RenewalRecord['step'], extra: Partial<RenewalRecord> = {}): RenewalRecord =>
  upgradeRenewalRecord({
    id: `r${++ids}`,
    step,
    createdAt: '2026-11-24T00:00:00Z',
    updatedAt: '2026-11-24T00:00:00Z',
    source: 'blob',
    discrepancies: [],
    ...extra,
  });
