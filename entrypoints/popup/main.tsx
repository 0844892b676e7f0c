import { render } from 'preact';
import { PopupApp } from '../../components/PopupApp';
import { afterFirstPaint } from '../../components/after-first-paint';
import { readStoredSnapshot } from '../../lib/messaging/stored-snapshot';
import { rememberFirstFrame, takeShell } from '../../components/popup-shell';
import { deferredClient } from '../../lib/messaging/deferred-client';
import './style.css';

/**
 * Vite wraps each import() in a helper that preloads the chunk's dependencies (about 0.6 KB gzipped, in the first
 * paint), unless the module defines its own. What this file imports later loads after the first frame, where its
 * chunks' imports loading one after the other cost nothing seen: the import just runs. Exported, so not unused.
 */
export const __vitePreload = <T,>(load: () => Promise<T>): Promise<T> => load();

// The first frame is the overview from storage: the code that talks to the background (its message schemas, zod)
// loads once that frame is painted, and the first message waits for it.
const client = deferredClient(() =>
  afterFirstPaint()
    .then(() => import('../../lib/messaging/extension-client'))
    .then((module) => module.runtimeBackgroundClient),
);
// Through the client's module: a dynamic import of wxt/browser here would put it back in the first frame's files.
const openOptions = () => void import('../../lib/messaging/extension-client').then((module) => module.openOptionsPage());

const root = document.getElementById('app')!;

// The first frame: the shell public/popup-shell.js drew from the last opening, if any (it runs this module once
// that frame is on screen). The live view replaces it once the stored overview is read: the first render waits
// for it, so it never paints "Loading…".
void readStoredSnapshot().then((snapshot) => {
  takeShell(root);
  render(<PopupApp client={client} openOptions={openOptions} snapshot={snapshot} rememberFirstFrame={rememberFirstFrame} />, root);
});
