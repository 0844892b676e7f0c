import type { BackgroundClient } from './extension-client';
import type { IntentReply } from './messages';
import { t } from '../i18n/messages';

const notLoaded: IntentReply = {
  ok: false,
  problem: { kind: 'not-loaded', message: t('problemTokenRelayCouldNotLoadPart'), nextStep: t('closeAndReopen') },
};

/**
 * A client whose code (the message schemas, with zod) loads only when `load` says: the popup's first frame
 * paints from the stored snapshot, and the first message waits for the real client.
 */
export function deferredClient(load: () => Promise<BackgroundClient>): BackgroundClient {
  let loading: Promise<BackgroundClient> | undefined;
  const client = () => (loading ??= load());
  return {
    send: (intent) => client().then((real) => real.send(intent), () => notLoaded),
    onStateChanged(listener) {
      let stop: (() => void) | undefined;
      let stopped = false;
      client().then(
        (real) => {
          if (!stopped) stop = real.onStateChanged(listener);
        },
        () => undefined, // send says so
      );
      return () => {
        stopped = true;
        stop?.();
      };
    },
  };
}
