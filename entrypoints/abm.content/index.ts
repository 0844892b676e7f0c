import { browser } from 'wxt/browser';
import { defineContentScript } from 'wxt/utils/define-content-script';
import { readCapturedFile, } from '../../lib/capture/bridge';
import { isTokenCandidate } from '../../lib/capture/captured-file';
import type { ContentRequest } from '../../lib/messaging/messages';

export default defineContentScript({
  matches: ['https://business.apple.com/*', 'https://school.apple.com/*'],
  allFrames: true,
  runAt: 'document_start',
  main(ctx) {
    ctx.addEventListener(window, 'message', (event) => {
      const file = readCapturedFile(event, window);
      if (!file || !isTokenCandidate(file)) return;
      const request: ContentRequest = { type: 'capture:file', via: file.via, fileName: file.fileName, text: file.text };
      void browser.runtime.sendMessage(request).catch(() => undefined);
    });
  },
});
