import { defineContentScript } from 'wxt/utils/define-content-script';
import { installDownloadHooks } from '../lib/capture/download-hooks';
import { postCapturedFile } from '../lib/capture/bridge';

// The page's own world: sees blob: and data: downloads. Hands bytes to abm.content, nothing more.
export default defineContentScript({
  matches: ['https://business.apple.com/*', 'https://school.apple.com/*'],
  world: 'MAIN',
  runAt: 'document_start',
  allFrames: true,
  main() {
    installDownloadHooks(window, (file) => postCapturedFile(window, file));
  },
});
