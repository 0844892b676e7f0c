import { describe, expect, it } from 'vitest';
import { batchCommandSchema, batchDownloadReplySchema, batchListLocationsReplySchema, batchOfferReplySchema } from '../../../lib/abm/batch-commands';
import { readBatchCommand } from '../../../lib/abm/read-batch-command';

// The batch script checks commands without zod (read-batch-command.ts); the zod schema is the contract. Side by side,
// the two accept exactly the same messages and give the same command.
const name200 = 'n'.repeat(200);
const MESSAGES: unknown[] = [
  { type: 'batch:list-locations' },
  { type: 'batch:list-locations', extra: 'dropped' },
  { type: 'batch:download', locationName: 'Main Office' },
  { type: 'batch:download', locationName: name200 },
  { type: 'batch:download', locationName: `${name200}x` },
  { type: 'batch:download', locationName: '' },
  { type: 'batch:download', locationName: 7 },
  { type: 'batch:download' },
  { type: 'batch:offer', dueLocations: ['Main Office', ''], target: 'Addigy' },
  { type: 'batch:offer', dueLocations: [], target: 'MDM' },
  { type: 'batch:offer', dueLocations: [name200], target: 'Microsoft Intune', more: 1 },
  { type: 'batch:offer', dueLocations: [`${name200}x`], target: 'Addigy' },
  { type: 'batch:offer', dueLocations: Array.from({ length: 500 }, (_, i) => `L${i}`), target: 'Fleet' },
  { type: 'batch:offer', dueLocations: Array.from({ length: 501 }, (_, i) => `L${i}`), target: 'Fleet' },
  { type: 'batch:offer', dueLocations: ['A', 3], target: 'Addigy' },
  { type: 'batch:offer', dueLocations: 'Main Office', target: 'Addigy' },
  { type: 'batch:offer', dueLocations: ['A'], target: 'addigy' },
  { type: 'batch:offer', dueLocations: ['A'], target: '<b>Addigy</b>' },
  { type: 'batch:offer', dueLocations: ['A'] },
  { type: 'batch:offer', target: 'Addigy' },
  { type: 'capture:file', text: 'x' },
  { type: 'batch:cancel', id: '1' },
  { type: ['batch:list-locations'] },
  'batch:list-locations',
  null,
  undefined,
  42,
  [],
];

describe('batch commands', () => {
  it.each(MESSAGES.map((message, index) => [index, message]))('message %i: the script reads what the schema parses', (_index, message) => {
    const parsed = batchCommandSchema.safeParse(message);
    expect(readBatchCommand(message)).toEqual(parsed.success ? parsed.data : undefined);
  });

  it('the schema accepts and refuses what the contract says', () => {
    expect(batchCommandSchema.safeParse({ type: 'batch:download', locationName: 'Main Office' }).success).toBe(true);
    expect(batchCommandSchema.safeParse({ type: 'batch:download', locationName: '' }).success).toBe(false);
    expect(batchCommandSchema.safeParse({ type: 'batch:offer', dueLocations: ['A'], target: 'Someone' }).success).toBe(false);
  });

  it('the script’s copy of a list is its own: later changes to the message do not reach it', () => {
    const dueLocations = ['A'];
    const command = readBatchCommand({ type: 'batch:offer', dueLocations, target: 'Addigy' });
    dueLocations.push('B');
    expect(command).toEqual({ type: 'batch:offer', dueLocations: ['A'], target: 'Addigy' });
  });

  it('replies: download clicked or one of three plain reasons; offers a whole count; lists of names', () => {
    expect(batchDownloadReplySchema.safeParse({ clicked: true }).success).toBe(true);
    expect(batchDownloadReplySchema.safeParse({ clicked: false, reason: 'ambiguous' }).success).toBe(true);
    expect(batchDownloadReplySchema.safeParse({ clicked: false, reason: 'because' }).success).toBe(false);
    expect(batchDownloadReplySchema.safeParse({ clicked: false }).success).toBe(false);
    expect(batchOfferReplySchema.safeParse({ shown: 2 }).success).toBe(true);
    expect(batchOfferReplySchema.safeParse({ shown: -1 }).success).toBe(false);
    expect(batchOfferReplySchema.safeParse({ shown: 1.5 }).success).toBe(false);
    expect(batchListLocationsReplySchema.safeParse({ locations: ['A'] }).success).toBe(true);
    expect(batchListLocationsReplySchema.safeParse({ locations: 'A' }).success).toBe(false);
  });
});
