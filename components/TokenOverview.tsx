import {
  appleSiteName,
  contentTokensPage,
  HEALTH_PRIORITY,
  isUnhealthy,
  type HealthState,
  type TokenHealth,
} from '../lib/health/health-state';
import { formatDate, formatDateTime } from './format';

export interface TokenOverviewProps {
  health: TokenHealth[];
  loading?: boolean;
  problem?: { message: string; nextStep: string };
  /** Shows a "Snooze reminders" button on each expiring token. */
  onSnooze?(locationId: string): void;
  /** End of each snoozed token's quiet time (ISO), by locationId. */
  snoozedUntil?: Record<string, string>;
  now?: Date;
  /** Shows a "Check now" button that asks Addigy again. */
  onRefresh?(): void;
  /** When Addigy last answered (ISO). */
  fetchedAt?: string;
}

/** The state in words (never colour alone) and the pill's tone. */
const STATES: Record<HealthState, { label: string; tone: 'ok' | 'warn' | 'bad' | 'busy' | 'other' }> = {
  valid: { label: 'Valid', tone: 'ok' },
  'expiring-soon': { label: 'Expiring soon', tone: 'warn' },
  expired: { label: 'Expired', tone: 'bad' },
  revoked: { label: 'Revoked', tone: 'bad' },
  invalid: { label: 'Invalid', tone: 'bad' },
  syncing: { label: 'Syncing', tone: 'busy' },
  'sync-failed': { label: 'Sync failed', tone: 'bad' },
  'other-mdm': { label: 'In use by another MDM', tone: 'other' },
};

/** Most serious first, then the soonest expiry, then by name. */
function bySeriousness(a: TokenHealth, b: TokenHealth): number {
  return (
    HEALTH_PRIORITY.indexOf(a.state) - HEALTH_PRIORITY.indexOf(b.state) ||
    (a.daysLeft ?? Infinity) - (b.daysLeft ?? Infinity) ||
    a.locationName.localeCompare(b.locationName)
  );
}

function relativeDays(daysLeft: number): string {
  const n = Math.abs(daysLeft);
  const days = `${n} day${n === 1 ? '' : 's'}`;
  return daysLeft > 0 ? `in ${days}` : daysLeft === 0 ? 'today' : `${days} ago`;
}

function summary(health: TokenHealth[]): string {
  const attention = health.filter((h) => isUnhealthy(h.state) || h.state === 'other-mdm').length;
  const expiring = health.filter((h) => h.state === 'expiring-soon').length;
  const total = `${health.length} token${health.length === 1 ? '' : 's'}`;
  if (!attention && !expiring) return health.length === 1 ? 'The token is fine.' : `All ${total} are fine.`;
  const parts = [attention ? `${attention} need${attention === 1 ? 's' : ''} attention` : '', expiring ? `${expiring} expiring soon` : ''];
  return `Of ${total}: ${parts.filter(Boolean).join(', ')}.`;
}

function TokenItem({ h, snoozedUntil, onSnooze }: { h: TokenHealth; snoozedUntil?: string; onSnooze?: (id: string) => void }) {
  const { label, tone } = STATES[h.state];
  const canRenew = isUnhealthy(h.state) || h.state === 'expiring-soon';
  return (
    <li data-state={h.state} data-attention={isUnhealthy(h.state) ? '' : undefined}>
      <div class="token-head">
        <h3>{h.locationName}</h3>
        <span class="pill" data-tone={tone}>
          {label}
        </span>
      </div>
      {h.orgName && <p class="token-org muted">{h.orgName}</p>}
      <p>{h.reason}</p>
      <dl class="details">
        <dt>Expires</dt>
        <dd>
          {h.expiresAt ? (
            <>
              <time dateTime={h.expiresAt}>{formatDate(h.expiresAt)}</time>
              {h.daysLeft !== undefined && ` (${relativeDays(h.daysLeft)})`}
              {h.expirySource === 'last-renewal' && <span class="muted"> · from the last renewal made here</span>}
            </>
          ) : (
            'unknown'
          )}
        </dd>
        <dt>Last successful sync</dt>
        <dd>{h.lastSync ? <time dateTime={h.lastSync}>{formatDateTime(h.lastSync)}</time> : 'unknown'}</dd>
      </dl>
      {h.nextStep && h.state !== 'expiring-soon' && (
        <p>
          <strong>What to do:</strong> {h.nextStep}
        </p>
      )}
      {(canRenew || snoozedUntil || (onSnooze && h.state === 'expiring-soon')) && (
        <div class="actions">
          {canRenew && (
            <a href={contentTokensPage(h.websiteURL)} target="_blank" rel="noreferrer">
              Renew<span class="visually-hidden"> {h.locationName} in {appleSiteName(h.websiteURL)}</span>
            </a>
          )}
          {snoozedUntil ? (
            <span class="muted">Reminders snoozed until {formatDate(snoozedUntil)}</span>
          ) : (
            onSnooze &&
            h.state === 'expiring-soon' && (
              <button type="button" onClick={() => onSnooze(h.locationId)}>
                Snooze reminders<span class="visually-hidden"> for {h.locationName}</span>
              </button>
            )
          )}
        </div>
      )}
    </li>
  );
}

/** Every Addigy token at a glance: the ones that need the admin first. */
export function TokenOverview({ health, loading, problem, onSnooze, snoozedUntil = {}, now = new Date(), onRefresh, fetchedAt }: TokenOverviewProps) {
  const sorted = [...health].sort(bySeriousness);
  const snoozeEnd = (id: string) => {
    const until = snoozedUntil[id];
    return until && Date.parse(until) > now.getTime() ? until : undefined;
  };
  return (
    <section class="tokens" aria-labelledby="tokens-heading" aria-busy={loading ? 'true' : undefined}>
      <div class="tokens-header">
        <h2 id="tokens-heading">Tokens</h2>
        {onRefresh && (
          <button type="button" class="link" onClick={onRefresh} disabled={loading}>
            Check now
          </button>
        )}
      </div>
      {fetchedAt && <p class="muted checked-at">Checked {formatDateTime(fetchedAt)}</p>}
      {loading && <p role="status">{health.length ? 'Refreshing the tokens…' : 'Loading the tokens from Addigy…'}</p>}
      {problem && (
        <div class="notice bad" role="alert">
          <p>{problem.message}</p>
          <p>{problem.nextStep}</p>
        </div>
      )}
      {!loading && !problem && health.length === 0 && (
        <p class="muted">
          Addigy has no Apple Apps tokens yet. Add one in Addigy under Policy → Integrations &amp; Settings → Apple Apps.
        </p>
      )}
      {sorted.length > 0 && (
        <>
          <p class="muted">{summary(sorted)}</p>
          <ul class="token-list">
            {sorted.map((h) => (
              <TokenItem key={h.locationId} h={h} snoozedUntil={snoozeEnd(h.locationId)} onSnooze={onSnooze} />
            ))}
          </ul>
        </>
      )}
    </section>
  );
}
