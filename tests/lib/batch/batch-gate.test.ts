import { describe, expect, it } from 'vitest';
import { batchItemForCapture, BATCH_DOWNLOAD_MS } from '../../../lib/batch/batch-gate';
import type { BatchRecord } from '../../../lib/batch/batch-record';

const at = Date.parse('2026-12-06T12:00:00Z');
const iso = (ms: number) => new Date(ms).toISOString();

function batch(overrides: Partial<BatchRecord> = {}): BatchRecord {
  const item = (n: number, state: BatchRecord['items'][number]['state'], extra = {}) => ({
    key: `loc-${n}`, locationName: `School ${n}`, orgName: 'Springfield District', connectionId: 'addigy', connectionName: 'Addigy',
    mdm: 'addigy' as const, tokenId: `loc-${n}`, health: 'expiring-soon', state, ...extra,
  });
  return {
    id: 'b1', step: 'running', site: 'https://school.apple.com', orgName: 'Springfield District', appleTabId: 7,
    items: [item(1, 'renewed', { renewalId: 'r1' }), item(2, 'downloading', { downloadRequestedAt: iso(at) }), item(3, 'queued')],
    createdAt: iso(at), updatedAt: iso(at), ...overrides,
  };
}

describe('the capture gate of a batch', () => {
  const now = new Date(at + 1_000);

  it('admits a file from the batch tab only for the one location whose Download Token Relay pressed', () => {
    const hit = batchItemForCapture([batch()], 7, 'sToken_for_School 2.vpptoken', now);
    expect(hit?.item.key).toBe('loc-2');
    // Browsers add " (1)" to a second file of the same name.
    expect(batchItemForCapture([batch()], 7, 'sToken_for_School 2 (1).vpptoken', now)?.item.key).toBe('loc-2');
    // A name Apple did not write is not judged by it.
    expect(batchItemForCapture([batch()], 7, undefined, now)?.item.key).toBe('loc-2');
  });

  it('refuses a file that names another location, even one of the batch', () => {
    expect(batchItemForCapture([batch()], 7, 'sToken_for_School 3.vpptoken', now)).toBeUndefined();
    expect(batchItemForCapture([batch()], 7, 'sToken_for_School 1.vpptoken', now)).toBeUndefined();
    expect(batchItemForCapture([batch()], 7, 'sToken_for_Other School.vpptoken', now)).toBeUndefined();
  });

  it('refuses other tabs, a batch not running, and a download asked for more than a minute ago', () => {
    expect(batchItemForCapture([batch()], 8, undefined, now)).toBeUndefined();
    expect(batchItemForCapture([batch()], '7', undefined, now)).toBeUndefined();
    for (const step of ['proposed', 'finished'] as const) expect(batchItemForCapture([batch({ step })], 7, undefined, now)).toBeUndefined();
    // Cancel stops the next download; the one pressed before it still brings its file.
    expect(batchItemForCapture([batch({ step: 'cancelled' })], 7, undefined, now)?.item.key).toBe('loc-2');
    expect(batchItemForCapture([batch()], 7, undefined, new Date(at + BATCH_DOWNLOAD_MS + 1))).toBeUndefined();
    expect(batchItemForCapture([batch()], 7, undefined, new Date(at - 1))).toBeUndefined();
  });

  it('admits nothing when no download is outstanding, and one file only per download', () => {
    const none = batch();
    none.items[1]!.state = 'queued';
    expect(batchItemForCapture([none], 7, undefined, now)).toBeUndefined();
    const taken = batch();
    taken.items[1]!.renewalId = 'r2';
    expect(batchItemForCapture([taken], 7, undefined, now)).toBeUndefined();
  });
});
