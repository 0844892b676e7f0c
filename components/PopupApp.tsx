import { useCallback, useEffect, useState } from 'preact/hooks';
import type { BackgroundClient } from '../lib/messaging/extension-client';
import type { IntentReply, PageIntent, PopupState } from '../lib/messaging/messages';
import type { Problem } from '../lib/result';
import { RenewalView, type RenewalActions } from './RenewalView';
import { TokenFilePicker } from './TokenFilePicker';

export interface PopupAppProps {
  client: BackgroundClient;
  openOptions(): void;
}

/** The most recent renewal is the one the user came for; older ones are history. */
export function PopupApp({ client, openOptions }: PopupAppProps) {
  const [state, setState] = useState<PopupState | undefined>();
  const [problem, setProblem] = useState<Problem | undefined>();

  const apply = useCallback((reply: IntentReply) => {
    if (reply.ok) {
      if (reply.state) setState(reply.state);
      setProblem(undefined);
    } else {
      setProblem(reply.problem);
    }
  }, []);
  const send = useCallback((intent: PageIntent) => client.send(intent).then(apply), [client, apply]);
  const refresh = useCallback(() => send({ type: 'state:get' }), [send]);

  useEffect(() => {
    void refresh();
    return client.onStateChanged(() => void refresh());
  }, [client, refresh]);

  const actions: RenewalActions = {
    confirm: (id, acceptOtherMdm) => void send({ type: 'renewal:confirm', id, acceptOtherMdm }),
    retry: (id) => void send({ type: 'renewal:retry', id }),
    discard: (id) => void send({ type: 'renewal:discard', id }),
    openOptions,
  };

  const visible = state?.renewals.filter((r) => r.step !== 'discarded') ?? [];
  const [current, ...older] = visible;

  return (
    <main class="popup">
      <header class="popup-header">
        <h1>Token Relay</h1>
        <button class="link" onClick={openOptions}>
          Options
        </button>
      </header>
      {problem && (
        <div class="notice bad" role="alert">
          <p>{problem.message}</p>
          <p>{problem.nextStep}</p>
        </div>
      )}
      {!state && !problem && <p role="status">Loading…</p>}
      {state && !state.configured && (
        <section class="card" aria-labelledby="setup">
          <h2 id="setup">Connect Token Relay to Addigy</h2>
          <p>Token Relay needs your Addigy API key before it can renew tokens.</p>
          <button class="primary" onClick={openOptions}>
            Open Options to add the API key
          </button>
        </section>
      )}
      {current && <RenewalView key={current.id} record={current} actions={actions} />}
      {state && !current && state.configured && (
        <p class="muted">
          No renewal under way. In Apple Business Manager, open Preferences → Payments and Billing and click{' '}
          <strong>Send to Addigy</strong> or Download beside a token.
        </p>
      )}
      {state && state.noticedDownloads.length > 0 && (
        <p class="notice warn" role="status">
          Token Relay saw {state.noticedDownloads.join(', ')} downloaded but could not read{' '}
          {state.noticedDownloads.length === 1 ? 'it' : 'them'}. Choose the file below (from your Downloads folder)
          to renew it.
        </p>
      )}
      {state && (
        <TokenFilePicker
          onFile={(fileName, text) => void send({ type: 'renewal:import-file', fileName, text })}
          onProblem={setProblem}
        />
      )}
      {older.length > 0 && (
        <section aria-labelledby="history">
          <h2 id="history">Recent renewals</h2>
          <ul class="history">
            {older.slice(0, 5).map((r) => (
              <li key={r.id}>
                {r.preview?.name ?? r.match?.locationName ?? r.file?.orgName ?? r.fileName ?? 'Unknown token'}:{' '}
                {r.step === 'done' ? 'renewed' : r.step === 'failed' ? 'not renewed' : r.step.replace(/-/g, ' ')}{' '}
                <span class="muted">({new Date(r.updatedAt).toLocaleString()})</span>
              </li>
            ))}
          </ul>
        </section>
      )}
    </main>
  );
}
