import { beforeEach, describe, expect, it } from 'vitest';
import { memoryRenewalStore, idbRenewalStoreWith, type RenewalStore } from '../../../lib/storage/renewal-store';
import { memoryTokenVault, sessionTokenVault } from '../../../lib/storage/token-vault';
import { boundedTokenVault, MAX_PENDING_TOKENS, sweepOrphanTokens } from '../../../lib/storage/vault-bounds';
import { resetTokenRelayDbForTests } from '../../../lib/storage/database';
import { renewalRecord } from '../../support/renewal-record-factory';
import type { RenewalRecord } from '../../../lib/renewal/renewal-record';

const at = (minute: number) => `2026-11-24T10:${String(minute).padStart(2, '0')}:00Z`;

describe('the token vault’s bounds', () => {
  let store: RenewalStore;
  beforeEach(() => {
    store = memoryRenewalStore();
  });

  async function holding(vault: ReturnType<typeof memoryTokenVault>, record: RenewalRecord) {
    await store.put(record);
    await vault.put(record.id, `token-of-${record.id}`);
    return record;
  }

  it(`holds at most ${MAX_PENDING_TOKENS} tokens; the oldest non-awaiting goes first, its record failed in words`, async () => {
    const inner = memoryTokenVault();
    const vault = boundedTokenVault(inner, store, () => new Date(at(59)));
    const waiting = await holding(inner, renewalRecord('awaiting-confirmation', { updatedAt: at(0) }));
    const oldChecking = await holding(inner, renewalRecord('verified', { updatedAt: at(1) }));
    for (let i = 2; i < MAX_PENDING_TOKENS; i++) await holding(inner, renewalRecord('awaiting-confirmation', { updatedAt: at(i) }));
    expect(inner.size()).toBe(MAX_PENDING_TOKENS);

    const fresh = renewalRecord('captured', { updatedAt: at(30) });
    await store.put(fresh);
    await vault.put(fresh.id, 'fresh-token');
    expect(inner.size()).toBe(MAX_PENDING_TOKENS);
    expect(await inner.get(fresh.id)).toBe('fresh-token');
    expect(await inner.get(oldChecking.id)).toBeUndefined();
    expect(await inner.get(waiting.id)).toBe(`token-of-${waiting.id}`);
    const evicted = await store.get(oldChecking.id);
    expect(evicted).toMatchObject({ step: 'failed', failure: { kind: 'evicted', step: 'verified', retryable: false } });
    expect(evicted!.failure!.message).toMatch(/more than 10 token files arrived at once/);
  });

  it('lets go of tokens without a live record before any other', async () => {
    const inner = memoryTokenVault();
    const vault = boundedTokenVault(inner, store);
    for (let i = 0; i < MAX_PENDING_TOKENS - 1; i++) await holding(inner, renewalRecord('failed', { updatedAt: at(i), failure: { kind: 'x', message: 'm', nextStep: 'n', step: 'matched', retryable: true } }));
    await inner.put('orphan', 'orphan-token');
    await vault.put('new', 'new-token');
    expect(await inner.get('orphan')).toBeUndefined();
    expect(inner.size()).toBe(MAX_PENDING_TOKENS);
  });

  it('the sweep at start removes every token whose record is gone or finished', async () => {
    const inner = memoryTokenVault();
    const kept = await holding(inner, renewalRecord('awaiting-confirmation'));
    const retry = await holding(inner, renewalRecord('failed', { failure: { kind: 'x', message: 'm', nextStep: 'n', step: 'matched', retryable: true } }));
    await holding(inner, renewalRecord('failed', { failure: { kind: 'x', message: 'm', nextStep: 'n', step: 'matched', retryable: false } }));
    await holding(inner, renewalRecord('done'));
    await holding(inner, renewalRecord('discarded'));
    await inner.put('no-record', 'x');
    expect(await sweepOrphanTokens(inner, store)).toBe(4);
    expect((await inner.ids()).sort()).toEqual([kept.id, retry.id].sort());
  });
});

describe('pruning history', () => {
  beforeEach(async () => {
    await resetTokenRelayDbForTests();
    for (const id of await sessionTokenVault.ids()) await sessionTokenVault.wipe(id);
  });

  it('a pruned record takes its token text with it (storage.session)', async () => {
    const store = idbRenewalStoreWith(sessionTokenVault);
    const oldest = renewalRecord('failed', { updatedAt: '2026-01-01T00:00:00Z', failure: { kind: 'x', message: 'm', nextStep: 'n', step: 'matched', retryable: true } });
    await store.put(oldest);
    await sessionTokenVault.put(oldest.id, 'the-old-token-text');
    for (let i = 0; i < 50; i++) await store.put(renewalRecord('done', { updatedAt: `2026-02-01T00:00:${String(i).padStart(2, '0')}Z` }));
    expect(await store.get(oldest.id)).toBeUndefined();
    expect(await sessionTokenVault.get(oldest.id)).toBeUndefined();
    expect(await sessionTokenVault.ids()).toEqual([]);
  });
});
