import { browser } from 'wxt/browser';
import { defineContentScript } from 'wxt/utils/define-content-script';
import { watchTokenEntries } from '../../lib/abm/watch-token-entries';
import { readCapturedFile } from '../../lib/capture/bridge';
import { TRUSTED_CLICK_MS } from '../../lib/capture/capture-gate';
import { isTokenCandidate } from '../../lib/capture/captured-file';
import { SEND_HOST_TAG } from '../../lib/abm/own-elements';
import { DownloadIntent } from '../../lib/capture/download-intent';
import { installHttpsTakeover, type TakeoverWindow } from '../../lib/capture/https-takeover';
import type { ContentRequest } from '../../lib/messaging/messages';
import { showNoRightsHint } from './no-rights-hint';
import { addSendButton } from './send-button';

// Isolated world, every frame of the two Apple hosts (the console lives in the MainPortal iframe).
// Kept small: plain DOM, no UI framework, no zod. The background re-validates all it is sent.
export default defineContentScript({
  matches: ['https://business.apple.com/*', 'https://school.apple.com/*'],
  allFrames: true,
  runAt: 'document_start',
  main(ctx) {
    const intent = new DownloadIntent();
    // Download controls of the entries on the page now, so a click on one is recognised as a token download.
    const controls = new WeakSet<EventTarget>();
    // When the user last really clicked a Download control or Send to Addigy (a page cannot fake isTrusted).
    let trustedClickAt = -Infinity;

    const relay = (via: ContentRequest['via'], file: { fileName?: string; text: string }): void => {
      const request: ContentRequest = { type: 'capture:file', via, fileName: file.fileName, text: file.text };
      if (intent.takeArmed()) request.fromButton = true;
      if (Date.now() - trustedClickAt < TRUSTED_CLICK_MS) request.afterTrustedClick = true;
      void browser.runtime.sendMessage(request).catch(() => undefined);
    };

    // a, b: blob: and data: downloads, read by the MAIN-world hooks and posted here. Untrusted: a page can post too.
    ctx.addEventListener(window, 'message', (event) => {
      const file = readCapturedFile(event, window);
      if (file && isTokenCandidate(file)) relay(file.via, file);
    });

    document.addEventListener(
      'click',
      (event) => {
        const path = event.composedPath();
        const onControl = path.some((node) => controls.has(node));
        if (event.isTrusted && (onControl || path.some((node) => (node as Element).localName === SEND_HOST_TAG))) trustedClickAt = Date.now();
        if (onControl) intent.noteControlClick();
      },
      { capture: true, signal: ctx.signal },
    );

    // c: an https download that follows such a click is fetched once by us instead of by the browser.
    installHttpsTakeover(
      window as unknown as TakeoverWindow,
      { claim: () => intent.claimNavigation(), onToken: (file) => relay('https', file) },
      ctx.signal,
    );

    watchTokenEntries(
      document,
      {
        onEntry(entry, signal) {
          const control = entry.downloadControl;
          if (!control) return;
          controls.add(control);
          signal.addEventListener('abort', () => controls.delete(control), { once: true });
          addSendButton(entry, control, signal, () => {
            intent.arm();
            control.click();
          });
        },
        onSection(section, signal) {
          if (!section.canDownload) showNoRightsHint(section, signal);
        },
      },
      ctx.signal,
    );
  },
});
