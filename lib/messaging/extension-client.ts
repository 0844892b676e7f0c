import { browser } from 'wxt/browser';
import { intentReplySchema, stateChangedSchema, type IntentReply, type PageIntent } from './messages';
import { t } from '../i18n/messages';

/** How extension pages (popup, options) talk to the background. */
export interface BackgroundClient {
  send(intent: PageIntent): Promise<IntentReply>;
  onStateChanged(listener: () => void): () => void;
}

const noAnswer: IntentReply = {
  ok: false,
  problem: {
    kind: 'no-background',
    message: t('problemTokenRelaysBackgroundWorkerDidNot'),
    nextStep: t('problemCloseAndReopenThisWindowIf'),
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

export const openOptionsPage = () => browser.runtime.openOptionsPage();
