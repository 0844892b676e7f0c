import { browser } from 'wxt/browser';
import { defineContentScript } from 'wxt/utils/define-content-script';

// Addigy's sign-in page, top frame. One question to the background on load (a rare page): did Token Relay open
// this tab for a renewal? Then a word of why the admin is here.
export default defineContentScript({
  matches: ['https://login.addigy.com/*'],
  runAt: 'document_idle',
  // No `addigySignIn;` footer after the IIFE: nothing declares that name, so it threw on every sign-in page.
  globalName: false,
  main,
});

// Exported by itself for the build's one-line entry wrapper (wxt.config.ts): WXT's would post the extension's id to
// Addigy's page.
export async function main(): Promise<void> {
  const reply = (await browser.runtime.sendMessage({ type: 'console:sign-in-page' }).catch(() => undefined)) as
    | { ours?: unknown }
    | undefined;
  if (reply?.ours !== true || document.getElementById('token-relay-sign-in')) return;
  const host = Object.assign(document.createElement('div'), { id: 'token-relay-sign-in' });
  const banner = host.attachShadow({ mode: 'open' });
  const style = document.createElement('style');
  style.textContent =
    'p{margin:0;padding:10px 16px;font:15px/1.4 system-ui,sans-serif;background:#fff4ce;color:#3b2f00;border-bottom:1px solid #c9a400}';
  const text = Object.assign(document.createElement('p'), {
    textContent: 'Token Relay: sign in to Addigy here. The token renewal goes on by itself once you are signed in.',
  });
  text.setAttribute('role', 'status');
  banner.append(style, text);
  document.body.prepend(host);
}
