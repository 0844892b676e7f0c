import type { RenewalRecord } from '../lib/renewal/renewal-record';
import { formatDateTime } from './format';
import { t, type MessageKey } from '../lib/i18n/messages';

const SHOWN = 10;

/** The outcome in words; a save that landed before its scan failed is still a renewal. */
function outcome(r: RenewalRecord): { label: MessageKey; tone?: 'ok' | 'bad' } {
  if (r.step === 'done') return { label: 'outcomeRenewed', tone: 'ok' };
  if (r.step === 'discarded') return { label: 'outcomeCancelled' };
  return r.renewedAt ? { label: 'outcomeScanFailed', tone: 'bad' } : { label: 'outcomeNotRenewed', tone: 'bad' };
}

const locationOf = (r: RenewalRecord) =>
  r.match?.locationName ?? r.preview?.name ?? r.apple?.locationName ?? r.file?.orgName ?? t('unknownLocation');

/**
 * Recent finished renewals, newest first. Records hold no token text.
 * A failure still asking for attention can be dismissed here (it stays listed, and stops turning the badge red).
 */
export function History({ renewals, onDismiss }: { renewals: RenewalRecord[]; onDismiss?: (id: string) => void }) {
  const finished = renewals
    .filter((r) => r.step === 'done' || r.step === 'failed' || r.step === 'discarded')
    .sort((a, b) => b.updatedAt.localeCompare(a.updatedAt))
    .slice(0, SHOWN);
  return (
    <section class="renewal-history" aria-labelledby="history-heading">
      <h2 id="history-heading">{t('historyHeading')}</h2>
      {finished.length === 0 ? (
        <p class="muted">{t('historyEmpty')}</p>
      ) : (
        <ul class="renewal-list">
          {finished.map((r) => {
            const { tone } = outcome(r);
            const label = t(outcome(r).label);
            const when = r.renewedAt ?? r.updatedAt;
            return (
              <li key={r.id}>
                <span>
                  {locationOf(r)}
                  <br />
                  <time class="muted" dateTime={when}>
                    {formatDateTime(when)}
                  </time>
                </span>
                <span class="outcome" data-tone={tone}>
                  {label}
                  {onDismiss && r.step === 'failed' && !r.dismissed && (
                    <>
                      {' '}
                      <button type="button" class="link" aria-label={t('dismissRenewal', locationOf(r), label)} onClick={() => onDismiss(r.id)}>
                        {t('dismiss')}
                      </button>
                    </>
                  )}
                </span>
              </li>
            );
          })}
        </ul>
      )}
    </section>
  );
}
