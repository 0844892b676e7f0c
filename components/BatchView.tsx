import { useState } from 'preact/hooks';
import { batchProgress, type BatchItem, type BatchItemState, type BatchRecord } from '../lib/batch/batch-record';
import { appleSiteName } from '../lib/health/health-state';
import { MDM_LABELS } from '../lib/mdm/mdm-kinds';
import { formatDate } from './format';
import type { PageIntent } from '../lib/messaging/messages';
import { formatList, formatNumber, plural, t, tParts, type MessageKey } from '../lib/i18n/messages';

/**
 * Renewing a whole organisation's due tokens in one pass (issue 22): the one yes, then each location's progress.
 * Loaded only when a batch exists (PopupApp imports it on demand), so the popup's first paint does not pay for it;
 * for the same reason it builds its intents itself.
 */
export interface BatchViewProps {
  batch: BatchRecord;
  /** The popup's intent path to the background. */
  send(intent: PageIntent): void;
  now?: Date;
}

/** Each row's state in words (never colour alone) and its pill's tone (overview.css). */
const ROW_STATES: Record<BatchItemState, { word: MessageKey; tone: 'ok' | 'warn' | 'bad' | 'busy' | 'other' }> = {
  queued: { word: 'batchWaiting', tone: 'other' },
  downloading: { word: 'batchDownloading', tone: 'busy' },
  relaying: { word: 'batchSending', tone: 'busy' },
  renewed: { word: 'batchRenewed', tone: 'ok' },
  'needs-you': { word: 'batchNeedsYou', tone: 'warn' },
  failed: { word: 'batchFailed', tone: 'bad' },
  cancelled: { word: 'batchCancelled', tone: 'other' },
};

/** The watch's word for the token now, as the overview says it. */
const HEALTH_WORDS: Record<string, MessageKey> = {
  'expiring-soon': 'healthWordExpiringSoon',
  expired: 'healthWordExpired',
  revoked: 'healthWordRevoked',
  invalid: 'healthWordInvalid',
};

/** "Addigy", or "Jamf Pro (Acme Jamf)" when the connection has a name of its own. */
function destination(item: BatchItem): string {
  const mdm = MDM_LABELS[item.mdm];
  return item.connectionName && item.connectionName !== mdm ? t('mdmWithConnectionName', mdm, item.connectionName) : mdm;
}

/** Apple issues a token for a year: about a year from today. */
function aYearFrom(now: Date): string {
  const next = new Date(now);
  next.setFullYear(next.getFullYear() + 1);
  return next.toISOString();
}

/** What the row says beside its state word, while and after it runs. */
function rowNews(item: BatchItem): string | undefined {
  switch (item.state) {
    case 'downloading':
      return t('batchFromApplePage');
    case 'relaying':
      return t('batchTo', destination(item));
    case 'renewed':
      return item.newExpiry ? t('batchNewExpiry', formatDate(item.newExpiry)) : undefined;
    case 'cancelled':
      return t('batchNotDownloaded');
    default:
      return undefined;
  }
}

function Row({ item, after, batchId, send, proposed }: { item: BatchItem; after: string; batchId: string; send: BatchViewProps['send']; proposed: boolean }) {
  const { tone } = ROW_STATES[item.state];
  const word = t(ROW_STATES[item.state].word);
  const news = proposed ? undefined : rowNews(item);
  const healthWord = HEALTH_WORDS[item.health];
  const health = healthWord && t(healthWord);
  const canRetry = !proposed && (item.state === 'failed' || item.state === 'needs-you');
  const expiry = item.expiresAt ? <time dateTime={item.expiresAt}>{formatDate(item.expiresAt)}</time> : t('unknown');
  return (
    <li data-state={item.state} data-attention={canRetry ? '' : undefined}>
      <div class="token-head">
        <h3>{item.locationName}</h3>
        {!proposed && (
          <span class="pill" data-tone={tone}>
            {word}
          </span>
        )}
      </div>
      <p class="token-org muted">{t('organizationWithMdm', item.orgName, destination(item))}</p>
      {news && <p>{news}</p>}
      <dl class="details">
        <dt>{item.state === 'renewed' ? t('batchBefore') : t('batchExpiresNow')}</dt>
        <dd>{health ? tParts('dateWithState', expiry, health) : expiry}</dd>
        {/* The admin weighs it before the yes; once running, the row's state is the news. */}
        {proposed && (
          <>
            <dt>{t('batchAfter')}</dt>
            <dd>{tParts('batchAboutDate', <time dateTime={after}>{formatDate(after)}</time>)}</dd>
          </>
        )}
      </dl>
      {item.discrepancy && <p class="notice warn">{item.discrepancy}</p>}
      {item.problem && (item.state === 'failed' || item.state === 'needs-you') && (
        <div class={item.state === 'failed' ? 'notice bad' : 'notice warn'}>
          <p>{item.problem.message}</p>
          <p>{item.problem.nextStep}</p>
        </div>
      )}
      {canRetry && (
        <div class="actions">
          <button type="button" onClick={() => send({ type: 'batch:retry', id: batchId, key: item.key })}>
            {t('retry')}
            <span class="visually-hidden"> {item.locationName}</span>
          </button>
        </div>
      )}
    </li>
  );
}

/** The progress bar and its words; the words are a live region, so a screen reader hears each renewal. */
function Progress({ batch }: { batch: BatchRecord }) {
  const { renewed, total } = batchProgress(batch);
  return (
    <div class="batch-progress">
      <progress aria-label={t('batchProgress')} aria-describedby="batch-progress-text" max={total} value={renewed} style={{ width: '100%' }} />
      <p id="batch-progress-text" role="status">
        <strong>{t('batchRenewedOf', formatNumber(renewed), formatNumber(total))}</strong>
      </p>
    </div>
  );
}

/** The rows not renewed, by what happened to them: "Failed: Lab, Annex." */
function notRenewed(items: BatchItem[]): string[] {
  const lines: string[] = [];
  for (const state of ['needs-you', 'failed', 'cancelled', 'queued', 'downloading', 'relaying'] as const) {
    const names = items.filter((i) => i.state === state).map((i) => i.locationName);
    if (names.length) lines.push(t('batchNotRenewedLine', t(ROW_STATES[state].word), formatList(names)));
  }
  return lines;
}

export function BatchView({ batch, send, now = new Date() }: BatchViewProps) {
  // One press each: the reply redraws the view, a second press meanwhile would ask twice.
  const [pressed, setPressed] = useState<string | undefined>();
  const press = (intent: PageIntent) => () => {
    setPressed(`${batch.id} ${batch.step} ${intent.type}`);
    send(intent);
  };
  const isPressed = (type: PageIntent['type']) => pressed === `${batch.id} ${batch.step} ${type}`;
  const total = batch.items.length;
  const after = aYearFrom(now);
  const proposed = batch.step === 'proposed';
  const running = batch.step === 'running';
  const heading = proposed ? plural('batchRenewTokens', total) : running ? plural('batchRenewingTokens', total) : t('batchFinished');
  const left = running || proposed ? [] : notRenewed(batch.items);
  return (
    <section class="card batch" aria-labelledby="batch-heading">
      <h2 id="batch-heading">{heading}</h2>
      {proposed && (
        <>
          <p>{t('batchExplain', batch.orgName, appleSiteName(batch.site))}</p>
          <p class="muted">{t('batchCheckList')}</p>
        </>
      )}
      {!proposed && <Progress batch={batch} />}
      {!running && !proposed && (
        <div class={left.length ? 'notice warn' : 'notice ok'}>
          {batch.step === 'cancelled' && <p>{t('batchWasCancelled')}</p>}
          {left.length ? left.map((line) => <p key={line}>{line}</p>) : <p>{t('batchAllRenewed')}</p>}
        </div>
      )}
      {/* Above the rows: thirty locations make a long list. */}
      <div class="actions" style={{ marginBottom: '10px' }}>
        {proposed && (
          <button type="button" class="primary" disabled={isPressed('batch:confirm')} onClick={press({ type: 'batch:confirm', id: batch.id })}>
            {t('batchRenewAll', formatNumber(total))}
          </button>
        )}
        {(proposed || running) && (
          <button type="button" disabled={isPressed('batch:cancel')} onClick={press({ type: 'batch:cancel', id: batch.id })}>
            {t('cancel')}
          </button>
        )}
        {!proposed && !running && (
          <button type="button" onClick={() => send({ type: 'batch:dismiss', id: batch.id })}>
            {t('close')}
          </button>
        )}
        {running && <span class="muted">{t('batchCancelStops')}</span>}
      </div>
      <ul class="token-list batch-rows" aria-labelledby="batch-heading">
        {batch.items.map((item) => (
          <Row key={item.key} item={item} after={after} batchId={batch.id} send={send} proposed={proposed} />
        ))}
      </ul>
    </section>
  );
}
