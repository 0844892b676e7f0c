import type { RenewalRecord } from '../renewal/renewal-record';
import type { RenewalStore } from './renewal-store';
import type { TokenVault } from './token-vault';
import { t } from '../i18n/messages';

/** At most this many tokens wait in storage.session at once; a flood cannot fill it. */
export const MAX_PENDING_TOKENS = 10;

/** Does this record still need its token (to go on, to be confirmed, or to be retried)? */
export function needsToken(record: RenewalRecord): boolean {
  if (record.step === 'done' || record.step === 'discarded') return false;
  if (record.step === 'failed') return record.failure?.retryable === true && record.failure.step !== 'scanning';
  return true;
}

/** Which tokens to let go of first: those of idle failures, then checks under way, then waiting confirmations. */
const evictionRank = (record: RenewalRecord): number =>
  record.step === 'failed' ? 0 : record.step === 'awaiting-confirmation' ? 2 : 1;

const EVICTED = {
  kind: 'evicted',
  message: t('problemTokenRelayLetGoOfThis', MAX_PENDING_TOKENS),
  nextStep: t('problemDownloadAFreshTokenForThis2'),
  retryable: false,
} as const;

/**
 * The vault with a cap. Putting a token when the cap is reached evicts the oldest others, and fails
 * their records with a clear message, never silently. Tokens without a live record go first.
 */
export function boundedTokenVault(vault: TokenVault, store: RenewalStore, now: () => Date = () => new Date()): TokenVault {
  return {
    ...vault,
    async put(renewalId, tokenText) {
      const others = (await vault.ids()).filter((id) => id !== renewalId);
      const excess = others.length + 1 - MAX_PENDING_TOKENS;
      if (excess > 0) {
        const held = await Promise.all(others.map(async (id) => ({ id, record: await store.get(id) })));
        const order = held.sort((a, b) => {
          if (!a.record || !b.record) return a.record ? 1 : b.record ? -1 : 0;
          return evictionRank(a.record) - evictionRank(b.record) || a.record.updatedAt.localeCompare(b.record.updatedAt);
        });
        for (const { id, record } of order.slice(0, excess)) {
          await vault.wipe(id);
          if (record && needsToken(record)) {
            record.failure = { ...EVICTED, step: record.step === 'failed' ? (record.failure?.step ?? 'parsed') : record.step };
            record.step = 'failed';
            record.retrying = undefined;
            record.updatedAt = now().toISOString();
            await store.put(record);
          }
        }
      }
      await vault.put(renewalId, tokenText);
    },
  };
}

/** At worker start: no token outlives its record. Removes every waiting token whose record is gone or finished. */
export async function sweepOrphanTokens(vault: TokenVault, store: RenewalStore): Promise<number> {
  let swept = 0;
  for (const id of await vault.ids()) {
    const record = await store.get(id);
    if (record && needsToken(record)) continue;
    await vault.wipe(id);
    swept++;
  }
  return swept;
}
