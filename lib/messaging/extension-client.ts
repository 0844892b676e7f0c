import { browser } from 'wxt/browser';
import { intentReplySchema, stateChangedSchema, tokenSnapshotSchema, type IntentReply, type PageIntent, type PopupState } from './messages';

/** How extension pages (popup, options) talk to the background. */
export interface BackgroundClient {
  send(intent: PageIntent): Promise<IntentReply>;
  onStateChanged(listener: () => void): () => void;
}

/**
 * The last look at the tokens, read straight from storage, so the overview paints without waiting for the
 * background's reply. storage.local can be written by a content script: it is parsed, and only shown.
 */
export async function readStoredSnapshot(): Promise<PopupState['tokens'] | undefined> {
  try {
    // popup.html starts this read before its modules load (public/early-snapshot.js); otherwise read it now.
    const early = (globalThis as { tokenRelayEarlySnapshot?: Promise<unknown> }).tokenRelayEarlySnapshot;
    const stored = early ? await early : (await browser.storage.local.get('tokenSnapshot')).tokenSnapshot;
    const parsed = tokenSnapshotSchema.safeParse(stored);
    return parsed.success ? parsed.data : undefined;
  } catch {
    return undefined;
  }
}

const noAnswer: IntentReply = {
  ok: false,
  problem: {
    kind: 'no-background',
    message: 'Token Relay’s background worker did not answer.',
    nextStep: 'Close and reopen this window. If it keeps happening, reload the extension in the browser’s extensions page.',
  },
};

export const runtimeBackgroundClient: BackgroundClient = {
  async send(intent) {
    try {
      const reply = intentReplySchema.safeParse(await browser.runtime.sendMessage(intent));
      return reply.success ? reply.data : noAnswer;
    } catch {
      return noAnswer;
    }
  },
  onStateChanged(listener) {
    const onMessage = (message: unknown) => {
      if (stateChangedSchema.safeParse(message).success) listener();
    };
    browser.runtime.onMessage.addListener(onMessage);
    return () => browser.runtime.onMessage.removeListener(onMessage);
  },
};
