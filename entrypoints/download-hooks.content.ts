import { defineContentScript } from 'wxt/utils/define-content-script';
import { openBridgeInPage } from '../lib/capture/bridge';
import { installDownloadHooks } from '../lib/capture/download-hooks';
import { isBase64Text } from '../lib/token/looks-like-vpp-token';

// The page's own world: sees blob: and data: downloads. Hands base64 text files, and nothing else, to abm.content
// through the private bridge. Must run before abm.content (wxt.config.ts puts it first in the manifest).
export default defineContentScript({
  matches: ['https://business.apple.com/*', 'https://school.apple.com/*'],
  world: 'MAIN',
  runAt: 'document_start',
  allFrames: true,
  // Nothing to hand back to executeScript: no `name;` footer after the IIFE.
  globalName: false,
  main,
});

// Exported by itself for the build's one-line entry wrapper (wxt.config.ts), which leaves the options above out.
export function main(): void {
  const send = openBridgeInPage(document);
  installDownloadHooks(window, (file) => {
    if (isBase64Text(file.text)) send(file);
  });
}
