import { browser } from 'wxt/browser';
import { defineContentScript } from 'wxt/utils/define-content-script';
import { watchTokenEntries } from '../../lib/abm/watch-token-entries';
import { openBridgeInContentScript } from '../../lib/capture/bridge';
import { createDownloadIntent } from '../../lib/capture/download-intent';
import { installHttpsTakeover, type TakeoverWindow } from '../../lib/capture/https-takeover';
import type { CaptureFileRequest } from '../../lib/messaging/messages';
import { hasTokenShape } from '../../lib/token/looks-like-vpp-token';
import { addPageLabels } from '../../lib/abm/page-knowledge';
import { PAGE_LABELS_KEY } from '../../lib/abm/page-labels';
import { setRoleHints, showNoRightsHint } from './no-rights-hint';
import { addSendButton, setButtonStyle, setSendTarget } from './send-button';
import { SEND_TARGET_KEY } from '../../lib/mdm/send-target-key';

// Isolated world, every frame of the two Apple hosts (the console lives in the MainPortal iframe).
// Kept small: plain DOM, no UI framework, no zod. The background re-validates all it is sent. (A signal's 'abort'
// fires once, so its listeners here and in lib/abm go without `{ once: true }`: bytes on every Apple page.)
export default defineContentScript({
  matches: ['https://business.apple.com/*', 'https://school.apple.com/*'],
  allFrames: true,
  runAt: 'document_start',
  // Nothing to hand back to executeScript: no `name;` footer after the IIFE.
  globalName: false,
  main,
});

// Exported by itself for the build's one-line entry wrapper (wxt.config.ts), which leaves the options above out.
export function main({ signal }: { signal: AbortSignal }): void {
  const intent = createDownloadIntent();
  // The button names the MDM the token goes to; it changes when Options' connections do. Apple's words in other
  // languages and the no-rights hint come with it (data the background publishes, not code on every Apple page); the
  // watch starts once they are in.
  const ready = browser.storage.local.get([SEND_TARGET_KEY, PAGE_LABELS_KEY]).then((stored) => {
    setSendTarget(stored[SEND_TARGET_KEY]);
    setRoleHints(stored[PAGE_LABELS_KEY]);
    setButtonStyle(stored[PAGE_LABELS_KEY]);
    addPageLabels(stored[PAGE_LABELS_KEY]);
  });
  const onStorage = (changes: Record<string, { newValue?: unknown }>) => {
    if (changes[SEND_TARGET_KEY]) setSendTarget(changes[SEND_TARGET_KEY].newValue);
  };
  // storage.local's own event (Chrome 73, Firefox 101): no area to check.
  browser.storage.local.onChanged.addListener(onStorage);
  signal.addEventListener('abort', () => browser.storage.local.onChanged.removeListener(onStorage));
  // Download controls of the entries on the page now, so a click on one is recognised as a token download.
  const controls = new WeakSet<EventTarget>();

  const relay = (file: Omit<CaptureFileRequest, 'type'>): void => {
    if (!hasTokenShape(file.text)) return;
    const request: CaptureFileRequest = { type: 'capture:file', ...file };
    if (intent.takeArmed()) request.fromButton = true;
    if (intent.takeTrustedClick()) request.afterTrustedClick = true;
    void browser.runtime.sendMessage(request).catch(() => undefined);
  };

  // a, b: blob: and data: downloads, read by the MAIN-world hooks and handed over on the private bridge.
  openBridgeInContentScript(document, relay);

  // Only the user's own clicks count: a page script's click (isTrusted false) never starts a take-over.
  document.addEventListener(
    'click',
    (event) => {
      if (event.isTrusted && event.composedPath().some((node) => controls.has(node))) intent.noteControlClick();
    },
    { capture: true, signal },
  );

  // c: an https download that follows such a click is fetched once by us instead of by the browser.
  installHttpsTakeover(
    window as unknown as TakeoverWindow,
    // A copy left running after the extension was updated or reloaded (Chrome) can relay nothing: it claims nothing,
    // and the browser keeps the download.
    { claim: () => !!browser.runtime?.id && intent.claimNavigation(), onToken: (file) => relay({ ...file, via: 'https' }) },
    signal,
  );

  const watch = () => watchTokenEntries(
    document,
    {
      onEntry(entry, entrySignal) {
        const control = entry.downloadControl;
        if (!control) return;
        controls.add(control);
        entrySignal.addEventListener('abort', () => controls.delete(control));
        addSendButton(entry, control, entrySignal, () => {
          intent.arm();
          control.click();
        });
      },
      onSection(section, sectionSignal) {
        if (!section.canDownload) showNoRightsHint(section, sectionSignal);
      },
    },
    signal,
  );
  // A wrong shape in storage adds no words, and the watch still starts.
  void ready.catch(() => undefined).then(watch);
}
