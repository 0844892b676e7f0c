import type { RenewalRecord } from '../lib/renewal/renewal-record';
import { formatDateTime } from './format';

const SHOWN = 10;

/** The outcome in words; a save that landed before its scan failed is still a renewal. */
function outcome(r: RenewalRecord): { label: string; tone?: 'ok' | 'bad' } {
  if (r.step === 'done') return { label: 'Renewed', tone: 'ok' };
  if (r.step === 'discarded') return { label: 'Cancelled' };
  return r.renewedAt ? { label: 'Renewed, scan failed', tone: 'bad' } : { label: 'Not renewed', tone: 'bad' };
}

const locationOf = (r: RenewalRecord) =>
  r.match?.locationName ?? r.preview?.name ?? r.apple?.locationName ?? r.file?.orgName ?? 'Unknown location';

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
      <h2 id="history-heading">Recent renewals</h2>
      {finished.length === 0 ? (
        <p class="muted">No finished renewals yet.</p>
      ) : (
        <ul class="renewal-list">
          {finished.map((r) => {
            const { label, tone } = outcome(r);
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
                      <button type="button" class="link" aria-label={`Dismiss: ${locationOf(r)}, ${label}`} onClick={() => onDismiss(r.id)}>
                        Dismiss
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
