import type { BatchItem, BatchItemState, BatchRecord } from '../../lib/batch/batch-record';

/** One row of a batch, for a location named `locationName`, in the given state. */
export const batchItem = (locationName: string, state: BatchItemState, extra: Partial<BatchItem> = {}): BatchItem => ({
  key: `loc-${locationName.toLowerCase().replace(/\W+/g, '-')}`,
  locationName,
  orgName: 'Springfield Schools',
  connectionId: 'addigy',
  connectionName: 'Addigy',
  mdm: 'addigy',
  tokenId: `loc-${locationName.toLowerCase().replace(/\W+/g, '-')}`,
  expiresAt: '2026-12-20T00:00:00Z',
  health: 'expiring-soon',
  state,
  ...extra,
});

/** A batch of Springfield Schools in Apple School Manager, in the given step, with the given rows. */
export const batchRecord = (step: BatchRecord['step'], items: BatchItem[], extra: Partial<BatchRecord> = {}): BatchRecord => ({
  id: 'b1',
  step,
  site: 'https://school.apple.com',
  orgName: 'Springfield Schools',
  items,
  createdAt: '2026-12-06T10:00:00Z',
  updatedAt: '2026-12-06T10:00:00Z',
  ...extra,
});

/** `n` rows named "School 01"…, the first `renewed` of them renewed, the rest in `rest`. */
export const batchRows = (n: number, renewed: number, rest: BatchItemState = 'queued'): BatchItem[] =>
  Array.from({ length: n }, (_, i) => batchItem(`School ${String(i + 1).padStart(2, '0')}`, i < renewed ? 'renewed' : rest));
