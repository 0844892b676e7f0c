import { useEffect, useMemo, useState } from 'preact/hooks';
import {
  appleSiteName,
  contentTokensPage,
  HEALTH_PRIORITY,
  isUnhealthy,
  type HealthState,
  type TokenHealth,
} from '../lib/health/health-state';
import { dueGroups, type DueGroup } from '../lib/batch/plan-batch';
import { sameName } from '../lib/text/same-name';
import { afterFirstPaint } from './after-first-paint';
import { formatDate, formatDateTime, formatNumber, formatRelativeDays, plural, t, tParts, type MessageKey } from '../lib/i18n/messages';

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
  /** Shows "Renew all N expiring" for each Apple organisation with due tokens (a batch, issue 22). */
  onRenewAll?(group: DueGroup): void;
  /** A batch is being asked for: the Renew all buttons wait. */
  renewAllPending?: boolean;
}

/** The state in words (never colour alone) and the pill's tone. */
const STATES: Record<HealthState, { label: MessageKey; tone: 'ok' | 'warn' | 'bad' | 'busy' | 'other' }> = {
  valid: { label: 'stateValid', tone: 'ok' },
  'expiring-soon': { label: 'stateExpiringSoon', tone: 'warn' },
  expired: { label: 'stateExpired', tone: 'bad' },
  revoked: { label: 'stateRevoked', tone: 'bad' },
  invalid: { label: 'stateInvalid', tone: 'bad' },
  syncing: { label: 'stateSyncing', tone: 'busy' },
  'sync-failed': { label: 'stateSyncFailed', tone: 'bad' },
  'other-mdm': { label: 'stateOtherMdm', tone: 'other' },
};
/** A state in words, in the admin's language. */
const stateLabel = (state: HealthState) => t(STATES[state].label);

let collator: Intl.Collator | undefined;

/** Most serious first, then the soonest expiry, then by name (one collator, not one per comparison). */
function bySeriousness(a: TokenHealth, b: TokenHealth): number {
  return (
    HEALTH_PRIORITY.indexOf(a.state) - HEALTH_PRIORITY.indexOf(b.state) ||
    (a.daysLeft ?? Infinity) - (b.daysLeft ?? Infinity) ||
    (collator ??= new Intl.Collator()).compare(a.locationName, b.locationName)
  );
}

/** Unhealthy, or held by another MDM: the admin has something to decide. */
const needsAttention = (h: TokenHealth) => isUnhealthy(h.state) || h.state === 'other-mdm';

function summary(health: TokenHealth[], connections: number): string {
  const attention = health.filter(needsAttention).length;
  const expiring = health.filter((h) => h.state === 'expiring-soon').length;
  const total = connections > 1 ? plural('tokenCountAcross', health.length, connections) : plural('tokenCount', health.length);
  if (!attention && !expiring) return health.length === 1 ? t('summaryOneFine') : t('summaryAllFine', total);
  const needs = plural('needAttention', attention);
  const soon = plural('expiringSoonCount', expiring);
  if (!expiring) return t('summaryAttention', total, needs);
  return attention ? t('summaryBoth', total, needs, soon) : t('summaryExpiring', total, soon);
}

/** Everything about one token below its name: reason, expiry, last sync, what to do, Renew and Snooze. */
function TokenDetails({ h, connection, snoozedUntil, onSnooze }: DetailsProps) {
  const canRenew = isUnhealthy(h.state) || h.state === 'expiring-soon';
  const where = connection && h.orgName ? t('groupTitle', connection, h.orgName) : connection || h.orgName;
  return (
    <>
      {where && <p class="token-org muted">{where}</p>}
      <p>{h.reason}</p>
      <dl class="details">
        <dt>{t('expires')}</dt>
        <dd>
          {h.expiresAt ? (
            <>
              {h.daysLeft !== undefined ? (
                tParts('dateWithRelative', <time dateTime={h.expiresAt}>{formatDate(h.expiresAt)}</time>, formatRelativeDays(h.daysLeft))
              ) : (
                <time dateTime={h.expiresAt}>{formatDate(h.expiresAt)}</time>
              )}
              {h.expirySource === 'last-renewal' && <span class="muted">{' · '}{t('expiryFromLastRenewal')}</span>}
            </>
          ) : (
            t('unknown')
          )}
        </dd>
        <dt>{t('lastSuccessfulSync')}</dt>
        <dd>{h.lastSync ? <time dateTime={h.lastSync}>{formatDateTime(h.lastSync)}</time> : t('unknown')}</dd>
      </dl>
      {h.nextStep && h.state !== 'expiring-soon' && (
        <p>
          <strong>{t('whatToDo')}</strong> {h.nextStep}
        </p>
      )}
      {(canRenew || snoozedUntil || (onSnooze && h.state === 'expiring-soon')) && (
        <div class="actions">
          {canRenew && (
            <a href={contentTokensPage(h.websiteURL)} target="_blank" rel="noreferrer">
              {t('renew')}
              <span class="visually-hidden"> {t('renewWhereHidden', h.locationName, appleSiteName(h.websiteURL))}</span>
            </a>
          )}
          {snoozedUntil ? (
            <span class="muted">{t('snoozedUntil', formatDate(snoozedUntil))}</span>
          ) : (
            onSnooze &&
            h.state === 'expiring-soon' && (
              <button type="button" onClick={() => onSnooze(h.locationId)}>
                {t('snoozeReminders')}
                <span class="visually-hidden"> {t('snoozeForHidden', h.locationName)}</span>
              </button>
            )
          )}
        </div>
      )}
    </>
  );
}

interface DetailsProps {
  h: TokenHealth;
  /** The connection's name, shown beside the organisation when the cards of several connections share one list. */
  connection?: string;
  snoozedUntil?: string;
  onSnooze?: (id: string) => void;
}

interface ItemProps extends DetailsProps {
  /** h3 in a single list, h4 under a group's h3. */
  level: 3 | 4;
}

/** A full card: for a handful of tokens, everything shows at once. */
function TokenItem({ h, level, connection, snoozedUntil, onSnooze }: ItemProps) {
  const { tone } = STATES[h.state];
  const label = stateLabel(h.state);
  const Heading = level === 3 ? 'h3' : 'h4';
  return (
    <li data-state={h.state} data-attention={isUnhealthy(h.state) ? '' : undefined}>
      <div class="token-head">
        <Heading>{h.locationName}</Heading>
        <span class="pill" data-tone={tone}>
          {label}
        </span>
      </div>
      <TokenDetails h={h} connection={connection} snoozedUntil={snoozedUntil} onSnooze={onSnooze} />
    </li>
  );
}

/** "12 days left", "1 day left", "expired today", "expired 3 days ago", "expiry unknown". */
export function daysLeftText(daysLeft: number | undefined): string {
  if (daysLeft === undefined) return t('expiryUnknown');
  return daysLeft > 0 ? plural('daysLeft', daysLeft) : daysLeft === 0 ? t('expiredToday') : plural('expiredDaysAgo', -daysLeft);
}

/**
 * A compact row: name, state chip and days left, as a disclosure button inside the heading (the
 * accordion pattern, so the heading stays a heading for every screen reader). The details are built
 * only while the row is open, so hundreds of closed rows stay cheap. Rows that need attention start open.
 */
function TokenRow({ h, level, snoozedUntil, onSnooze }: ItemProps) {
  const { tone } = STATES[h.state];
  const label = stateLabel(h.state);
  const attention = isUnhealthy(h.state);
  const [open, setOpen] = useState(attention);
  const Heading = level === 3 ? 'h3' : 'h4';
  const detailsId = `token-details-${h.locationId}`;
  return (
    <li data-state={h.state} data-attention={attention ? '' : undefined}>
      <Heading class="row-head">
        {/* As few nodes as a row can have (200 rows are built in one go); the spaces keep the name readable. */}
        <button type="button" aria-expanded={open ? 'true' : 'false'} aria-controls={open ? detailsId : undefined} onClick={() => setOpen(!open)}>
          {h.locationName + ' '}
          <span class="pill" data-tone={tone}>
            {label}
          </span>
          <span class="row-days muted">{' ' + daysLeftText(h.daysLeft)}</span>
        </button>
      </Heading>
      {open && (
        <div class="row-details" id={detailsId}>
          <TokenDetails h={h} snoozedUntil={snoozedUntil} onSnooze={onSnooze} />
        </div>
      )}
    </li>
  );
}

/** More tokens than this and the overview turns into compact rows, grouped by connection and organisation, with a filter box. */
export const FULL_CARDS_UP_TO = 8;

/**
 * Compact rows built for the popup's first frame: more than it shows (about fifteen). The rest follow right
 * after that frame is painted, so 200 tokens do not hold back the first sight of the most urgent ones.
 */
export const FIRST_FRAME_ROWS = 24;

/** The groups cut to their first `rows` rows in order; later groups drop out whole. */
function firstRows(groups: Group[], rows: number): Group[] {
  const cut: Group[] = [];
  for (const group of groups) {
    if (rows <= 0) break;
    cut.push(group.items.length <= rows ? group : { ...group, items: group.items.slice(0, rows), whole: group.items });
    rows -= group.items.length;
  }
  return cut;
}

const connectionOf = (h: TokenHealth) => h.connectionName?.trim() || 'Addigy';

interface Group {
  key: string;
  /** "Jamf Pro (Acme) · Acme Corp"; the connection alone when the token names no organisation. */
  title: string;
  /** Most urgent first. */
  items: TokenHealth[];
  /** Every token of the group, when `items` holds only those of the first frame. */
  whole?: TokenHealth[];
}

/**
 * The tokens by connection and organisation. One sort: walking the tokens most urgent first, each group
 * is met at its most urgent token, so the groups come out in order of urgency too.
 */
function groupByConnection(sorted: TokenHealth[]): Group[] {
  const groups = new Map<string, Group>();
  for (const h of sorted) {
    const connection = connectionOf(h);
    const key = `${connection}\u0000${h.orgName}`;
    let group = groups.get(key);
    if (!group) {
      group = { key, title: h.orgName ? t('groupTitle', connection, h.orgName) : connection, items: [] };
      groups.set(key, group);
    }
    group.items.push(h);
  }
  return [...groups.values()];
}

/** What the filter box matches: location, organisation, connection and the state in words. */
const searchText = (h: TokenHealth) =>
  [h.locationName, h.orgName, connectionOf(h), stateLabel(h.state)].join('\n').toLowerCase();

/** Every connection's tokens at a glance: the ones that need the admin first. */
export function TokenOverview({
  health,
  loading,
  problem,
  onSnooze,
  snoozedUntil = {},
  now = new Date(),
  onRefresh,
  fetchedAt,
  onRenewAll,
  renewAllPending,
}: TokenOverviewProps) {
  // Sorted, grouped and indexed once per picture of the tokens, not on every keystroke or toggle.
  const view = useMemo(() => {
    const sorted = [...health].sort(bySeriousness);
    const connections = new Set(sorted.map(connectionOf)).size;
    const compact = sorted.length > FULL_CARDS_UP_TO;
    // A handful of tokens stays one list of full cards, most urgent first, each naming its organisation
    // (and its connection when there are several); beyond that, groups by connection and organisation.
    const groups: Group[] = compact ? groupByConnection(sorted) : [{ key: '', title: '', items: sorted }];
    const text = compact ? new Map(sorted.map((h) => [h, searchText(h)])) : undefined;
    // One batch per Apple organisation; its size counts locations, as a batch downloads each location once.
    const due = dueGroups(health).map((group) => ({ group, count: new Set(group.tokens.map((t) => sameName(t.locationName))).size }));
    return { sorted, groups, connections, compact, text, summary: summary(sorted, connections), due };
  }, [health]);
  const [query, setQuery] = useState('');
  // Once every row is built, it stays built: a new picture of the tokens redraws in place.
  const [allRows, setAllRows] = useState(view.sorted.length <= FIRST_FRAME_ROWS);
  useEffect(() => {
    if (allRows) return;
    // After the page's first frame is on screen (building them sooner slows its display), and then after the next
    // frame is painted: rAF runs before that paint, the task it queues after it.
    let frame: number | undefined;
    let timer: ReturnType<typeof setTimeout> | undefined;
    let cancelled = false;
    void afterFirstPaint().then(() => {
      if (!cancelled) frame = requestAnimationFrame(() => (timer = setTimeout(() => setAllRows(true))));
    });
    return () => {
      cancelled = true;
      if (frame !== undefined) cancelAnimationFrame(frame);
      clearTimeout(timer);
    };
  }, [allRows]);
  const needle = view.compact ? query.trim().toLowerCase() : '';
  const shown = needle
    ? view.groups
        .map((g) => ({ ...g, items: g.items.filter((h) => view.text!.get(h)!.includes(needle)) }))
        .filter((g) => g.items.length > 0)
    : allRows
      ? view.groups
      : firstRows(view.groups, FIRST_FRAME_ROWS);
  const matches = needle ? shown.reduce((n, g) => n + g.items.length, 0) : view.sorted.length;

  const snoozeEnd = (id: string) => {
    const until = snoozedUntil[id];
    return until && Date.parse(until) > now.getTime() ? until : undefined;
  };
  const Item = view.compact ? TokenRow : TokenItem;
  const grouped = view.groups.length > 1;
  const list = (items: TokenHealth[], labelledBy?: string) => (
    <ul class={view.compact ? 'token-list compact' : 'token-list'} aria-labelledby={labelledBy}>
      {items.map((h) => (
        <Item
          key={h.locationId}
          h={h}
          level={grouped ? 4 : 3}
          connection={!view.compact && view.connections > 1 ? connectionOf(h) : undefined}
          snoozedUntil={snoozeEnd(h.locationId)}
          onSnooze={onSnooze}
        />
      ))}
    </ul>
  );
  return (
    <section class="tokens" aria-labelledby="tokens-heading" aria-busy={loading || !allRows ? 'true' : undefined}>
      <div class="tokens-header">
        <h2 id="tokens-heading">{t('tokensHeading')}</h2>
        {onRefresh && (
          <button type="button" class="link" onClick={onRefresh} disabled={loading}>
            {t('checkNow')}
          </button>
        )}
      </div>
      {fetchedAt && <p class="muted checked-at">{t('checkedAt', formatDateTime(fetchedAt))}</p>}
      {loading && <p role="status">{health.length ? t('refreshingTokens') : t('loadingTokens')}</p>}
      {problem && (
        <div class="notice bad" role="alert">
          <p>{problem.message}</p>
          <p>{problem.nextStep}</p>
        </div>
      )}
      {!loading && !problem && health.length === 0 && (
        <p class="muted">{t('noTokensYet')}</p>
      )}
      {view.sorted.length > 0 && (
        <>
          <p class="muted">{view.summary}</p>
          {onRenewAll && view.due.length > 0 && (
            <ul class="renew-all">
              {view.due.map(({ group, count }) => (
                <li key={`${group.site} ${group.orgName}`}>
                  {/* Several organisations: each button says its own on screen too, not only to a screen reader. */}
                  {view.due.length > 1 && <span class="muted">{group.orgName} </span>}
                  <button type="button" class="primary" disabled={renewAllPending} onClick={() => onRenewAll(group)}>
                    {plural('renewAllExpiring', count)}
                    <span class="visually-hidden"> {t('inOrganizationHidden', group.orgName)}</span>
                  </button>
                </li>
              ))}
            </ul>
          )}
          {view.compact && (
            <div class="token-filter">
              <label for="token-filter">{t('filterTokens')}</label>
              <input
                id="token-filter"
                type="search"
                value={query}
                onInput={(e) => setQuery(e.currentTarget.value)}
                aria-describedby="token-filter-result"
                autocomplete="off"
                spellcheck={false}
              />
              <p id="token-filter-result" class="muted" role="status">
                {!needle ? '' : matches === 0 ? t('noTokenMatches', query.trim()) : plural('tokensMatch', matches, formatNumber(view.sorted.length))}
              </p>
            </div>
          )}
          {!grouped
            ? shown.length > 0 && list(shown[0]!.items)
            : shown.map((g, i) => (
                <div class="token-group" key={g.key}>
                  <div class="group-head">
                    <h3 id={`token-group-${i}`}>{g.title}</h3>
                    <span class="muted">{groupCount(g.whole ?? g.items)}</span>
                  </div>
                  {list(g.items, `token-group-${i}`)}
                </div>
              ))}
        </>
      )}
    </section>
  );
}

/** "3 tokens, 1 needs attention": beside a group's heading. */
function groupCount(items: TokenHealth[]): string {
  const attention = items.filter(needsAttention).length;
  const total = plural('tokenCount', items.length);
  return attention ? t('groupCountAttention', total, plural('needAttention', attention)) : total;
}
