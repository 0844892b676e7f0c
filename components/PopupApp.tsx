import { useCallback, useEffect, useLayoutEffect, useState } from 'preact/hooks';
import type { BackgroundClient } from '../lib/messaging/extension-client';
import type { IntentReply, PageIntent, PopupState } from '../lib/messaging/messages';
import type { Problem } from '../lib/result';
import type { RenewalActions } from './RenewalView';
import { TokenOverview } from './TokenOverview';
import type { PageOutline } from '../lib/addigy-console/console-messages';
import { afterFirstPaint } from './after-first-paint';
import type { DueGroup } from '../lib/batch/plan-batch';
import { appleSiteName } from '../lib/health/health-state';
import { formatList, plural, t, tParts } from '../lib/i18n/messages';

/** The renewal view, history, file picker and notices: loaded once the first frame (the overview) is painted. */
type LaterParts = typeof import('./popup-later').popupLaterParts;
/** BatchView, loaded on demand: most openings of the popup have no batch. */
type BatchViewComponent = typeof import('./BatchView').BatchView;
/**
 * Vite wraps each import() in a helper that preloads the chunk's dependencies (about 0.6 KB gzipped, in the
 * popup's first paint), unless the module defines its own. These chunks are loaded after the first frame, where
 * fetching their imports one after the other costs the admin nothing: the import just runs. Exported only so
 * nothing calls it unused.
 */
export const __vitePreload = <T,>(load: () => Promise<T>): Promise<T> => load();

/** A finished renewal stays on top this long, then moves to history. */
const RESULT_SHOWN_MS = 60 * 60_000;
/** The overview refreshes itself when opened if its picture is older than this. */
const STALE_AFTER_MS = 5 * 60_000;

export interface PopupAppProps {
  client: BackgroundClient;
  openOptions(): void;
  /** The overview's last stored picture, read before the first render: shown until the background answers. */
  snapshot?: PopupState['tokens'];
  /**
   * Told the overview's latest picture after each of the background's replies (undefined: no overview, as when
   * no MDM is connected), to draw the next opening's first frame from it (./popup-shell.ts).
   */
  rememberFirstFrame?(tokens: PopupState['tokens'] | undefined): void;
}

/** The most recent renewal is the one the user came for; older ones are history. */
export function PopupApp({ client, openOptions, snapshot, rememberFirstFrame }: PopupAppProps) {
  const [state, setState] = useState<PopupState | undefined>();
  const [problem, setProblem] = useState<Problem | undefined>();
  const [unreadableApplePage, setUnreadableApplePage] = useState<PageOutline | undefined>();
  // The overview from storage, until the background's first reply: the list is what the popup is opened for,
  // so the first frame shows it (no "Loading…" frame).
  const early = snapshot?.health.length ? snapshot : undefined;

  const apply = useCallback((reply: IntentReply) => {
    if (reply.ok) {
      // A slow reply (a token refresh) may arrive after a newer one: never step back to older state.
      const next = reply.state;
      if (next) setState((shown) => (shown && shown.readAt > next.readAt ? shown : next));
      setProblem(undefined);
    } else {
      setProblem(reply.problem);
    }
  }, []);
  // Once per picture (null: answered, with no MDM connected): a reply that changes nothing else keeps the shell.
  const shownTokens = state && (state.configured ? state.tokens : null);
  useEffect(() => {
    if (shownTokens !== undefined && rememberFirstFrame) void afterFirstPaint().then(() => rememberFirstFrame(shownTokens ?? undefined));
  }, [shownTokens]);
  const send = useCallback((intent: PageIntent) => client.send(intent).then(apply), [client, apply]);
  const refresh = useCallback(() => send({ type: 'state:get' }), [send]);

  const [refreshing, setRefreshing] = useState(false);
  const refreshTokens = useCallback(async () => {
    setRefreshing(true);
    apply(await client.send({ type: 'tokens:refresh' }));
    setRefreshing(false);
  }, [client, apply]);
  // Asked before the first paint rather than a frame later: the overview is what the popup is opened for.
  useLayoutEffect(() => {
    void client.send({ type: 'state:get' }).then(async (reply) => {
      apply(reply);
      const tokens = reply.ok ? reply.state?.tokens : undefined;
      const stale = !tokens?.fetchedAt || Date.now() - Date.parse(tokens.fetchedAt) > STALE_AFTER_MS;
      if (reply.ok && reply.state?.configured && stale) await refreshTokens();
    });
    return client.onStateChanged(() => void refresh());
  }, [client, refresh, apply, refreshTokens]);
  // Once per opening: is an open Apple page one Token Relay cannot read?
  useEffect(() => {
    void client.send({ type: 'apple-page:check' }).then((reply) => {
      if (reply.ok && reply.unreadableApplePage) setUnreadableApplePage(reply.unreadableApplePage);
    });
  }, [client]);

  // Everything but the overview, after the overview's first frame.
  const [later, setLater] = useState<LaterParts | undefined>();
  useEffect(() => {
    afterFirstPaint()
      .then(() => import('./popup-later'))
      .then((module) => module.popupLaterParts)
      .then(
        (parts) => setLater(parts),
        () => setProblem({ kind: 'popup-parts', message: t('popupPartsFailed'), nextStep: t('closeAndReopen') }),
      );
  }, []);

  // Batch renewal (issue 22): its view is imported the first time a batch shows up.
  const batch = state?.batch;
  const [BatchView, setBatchView] = useState<BatchViewComponent | undefined>();
  useEffect(() => {
    if (!batch || BatchView) return;
    import('./BatchView').then(
      (module) => setBatchView(() => module.BatchView),
      () => setProblem({ kind: 'batch-view', message: t('batchViewFailed'), nextStep: t('closeAndReopen') }),
    );
  }, [batch, BatchView]);
  const [proposing, setProposing] = useState(false);
  const [batchNote, setBatchNote] = useState<string | undefined>();
  const proposeBatch = async (group: DueGroup) => {
    setProposing(true);
    setBatchNote(undefined);
    const reply = await client.send({ type: 'batch:propose', site: group.site, orgName: group.orgName });
    apply(reply);
    setProposing(false);
    // No page of that organisation was open: the background opened Apple's token page instead.
    if (reply.ok && reply.note === 'opened-apple-page') {
      setBatchNote(t('batchApplePageOpening', appleSiteName(group.site)));
    }
  };
  const batchBusy = batch?.step === 'proposed' || batch?.step === 'running';

  const actions: RenewalActions = {
    confirm: (id, acceptOtherMdm) => void send({ type: 'renewal:confirm', id, acceptOtherMdm }),
    choose: (id, connectionId, tokenId) => void send({ type: 'renewal:choose', id, connectionId, tokenId }),
    retry: (id) => void send({ type: 'renewal:retry', id }),
    discard: (id) => void send({ type: 'renewal:discard', id }),
    showConsole: (id) => void send({ type: 'renewal:show-console', id }),
    openOptions,
  };

  // A batch's renewals show in its rows, not as cards of their own; except one that needs the admin's answer
  // (another MDM's extra yes, a difference), whose card shows below the batch to answer it there.
  const inBatchRows = new Set(batch?.items.filter((i) => i.state !== 'needs-you').map((i) => i.renewalId));
  const visible = state?.renewals.filter((r) => r.step !== 'discarded' && !inBatchRows.has(r.id)) ?? [];
  // The latest renewal is what the user just did; a result stays on top for a while unless dismissed.
  const [latest] = visible;
  const showLatest =
    latest && (!['done', 'failed'].includes(latest.step) || (!latest.dismissed && Date.now() - Date.parse(latest.updatedAt) < RESULT_SHOWN_MS));
  const current = showLatest ? latest : undefined;
  // A renewal still waiting or under way is never hidden behind a newer result.
  const waiting = visible.find((r) => r !== current && !['done', 'failed'].includes(r.step));
  const older = visible.filter((r) => r !== current && r !== waiting && ['done', 'failed'].includes(r.step));

  return (
    <main class="popup">
      <header class="popup-header">
        <h1>{t('extName')}</h1>
        <button class="link" onClick={openOptions}>
          {t('options')}
        </button>
      </header>
      {later && <later.SiteAccessNotice />}
      {problem && (
        <div class="notice bad" role="alert">
          <p>{problem.message}</p>
          <p>{problem.nextStep}</p>
        </div>
      )}
      {!state && !problem && !early && <p role="status">{t('loading')}</p>}
      {state && !state.configured && (
        <section class="card" aria-labelledby="setup">
          <h2 id="setup">{t('setupHeading')}</h2>
          <p>{t('setupText')}</p>
          <button class="primary" onClick={openOptions}>
            {t('setupButton')}
          </button>
        </section>
      )}
      {unreadableApplePage && later && <later.ApplePageNotice outline={unreadableApplePage} />}
      {/* Nothing while its code loads: a file of the extension's own, there in a moment. */}
      {batch && BatchView && <BatchView batch={batch} send={(intent) => void send(intent)} />}
      {batchNote && !batch && (
        <p class="notice warn" role="status">
          {batchNote}
        </p>
      )}
      {current && later && <later.RenewalView key={current.id} record={current} actions={actions} />}
      {waiting && later && <later.RenewalView key={waiting.id} record={waiting} actions={actions} />}
      {state && !current && !batch && state.configured && (
        <p class="muted">{tParts('renewHowTo', <strong>{t('send', 'Addigy')}</strong>)}</p>
      )}
      {state && state.noticedDownloads.length > 0 && (
        <p class="notice warn" role="status">
          {plural('noticedDownloads', state.noticedDownloads.length, formatList(state.noticedDownloads))}
        </p>
      )}
      {state?.configured ? (
        <TokenOverview
          health={state.tokens.health}
          loading={refreshing}
          fetchedAt={state.tokens.fetchedAt}
          onRefresh={() => void refreshTokens()}
          problem={state.tokens.problem}
          snoozedUntil={state.snoozedUntil}
          onSnooze={(locationId) => void send({ type: 'tokens:snooze', locationId, days: 7 })}
          onRenewAll={batchBusy ? undefined : (group) => void proposeBatch(group)}
          renewAllPending={proposing}
        />
      ) : (
        // The stored picture until the background answers; one element either way, so the rows already
        // built (and any the admin opened) stay when the answer replaces the picture.
        !state && early && <TokenOverview health={early.health} fetchedAt={early.fetchedAt} problem={early.problem} />
      )}
      {older.length > 0 && later && <later.History renewals={older} onDismiss={(id) => void send({ type: 'renewal:discard', id })} />}
      {state && later && (
        <later.TokenFilePicker
          onFile={(fileName, text) => void send({ type: 'renewal:import-file', fileName, text })}
          onProblem={setProblem}
        />
      )}

    </main>
  );
}
