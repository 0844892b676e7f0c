import { browser } from 'wxt/browser';
import { defineUnlistedScript } from 'wxt/utils/define-unlisted-script';
import type { BatchCommand } from '../lib/abm/batch-commands';
import { clickDownload, createSendAll, listLocationNames, type SendAllControl } from '../lib/abm/batch-page';
import { addAllPageLabels } from '../lib/abm/page-labels';
import { readBatchCommand } from '../lib/abm/read-batch-command';
import { markBatchClick } from '../lib/capture/download-intent';
import type { ContentRequest } from '../lib/messaging/messages';

// Injected by the background (scripting.executeScript, every frame of an Apple Business/School Manager tab) when a
// token is due and before a batch's first download; not in the manifest, so Apple's pages load none of it otherwise.
// Isolated world, shared with abm.content. Only the frame that shows the token section answers a command, so the
// background's tabs.sendMessage resolves with that frame's answer.

/** Set in this frame's isolated world by the first copy: a second injection adds no second listener or control. */
const INJECTED_KEY = '__tokenRelayBatchScript';

export default defineUnlistedScript(() => {
  const world = globalThis as Record<string, unknown>;
  // `=== true`: a page element with this id is no reason to stay away.
  if (world[INJECTED_KEY] === true) return;
  world[INJECTED_KEY] = true;
  // On demand, so every language's words come built in (abm.content reads them from storage.local instead).
  addAllPageLabels();

  // Once the extension was reloaded or updated, this copy can reach nothing.
  const alive = () => !!browser.runtime?.id;
  const sendAll: SendAllControl = createSendAll(document, {
    alive,
    onSend(locations) {
      const request: ContentRequest = { type: 'capture:send-all', afterTrustedClick: true, locations };
      try {
        void browser.runtime.sendMessage(request).catch(() => undefined);
      } catch {
        // The extension's context is gone (reloaded): nothing to tell.
      }
    },
  });

  const answer = (command: BatchCommand): unknown => {
    switch (command.type) {
      case 'batch:offer': {
        const shown = sendAll.offer(command);
        return shown === undefined ? undefined : { shown };
      }
      case 'batch:list-locations': {
        const locations = listLocationNames(document);
        return locations && { locations };
      }
      case 'batch:download':
        // Marked first: if Apple delivers the file by an https navigation, abm.content takes that navigation over.
        return clickDownload(document, command.locationName, () => markBatchClick());
    }
  };

  browser.runtime.onMessage.addListener((message, sender, sendResponse) => {
    // Only our own background: sender.id is the one field a page cannot forge.
    if (sender.id !== browser.runtime.id) return false;
    const command = readBatchCommand(message);
    if (!command) return false;
    const reply = answer(command);
    // No token section in this frame: no answer, so the frame that has one answers.
    if (reply !== undefined) sendResponse(reply);
    return false;
  });
});
