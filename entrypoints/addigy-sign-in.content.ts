import { browser } from 'wxt/browser';
import { defineContentScript } from 'wxt/utils/define-content-script';

// Addigy's sign-in page, top frame. Idle until the background says this is the tab it opened for a renewal.
export default defineContentScript({
  matches: ['https://login.addigy.com/*'],
  runAt: 'document_idle',
  main() {
    browser.runtime.onMessage.addListener((message, sender) => {
      if (sender.id !== browser.runtime.id || (message as { type?: unknown })?.type !== 'console:sign-in-needed') return;
      if (document.getElementById('token-relay-sign-in')) return;
      const host = Object.assign(document.createElement('div'), { id: 'token-relay-sign-in' });
      const banner = host.attachShadow({ mode: 'closed' });
      const style = document.createElement('style');
      style.textContent =
        'p{margin:0;padding:10px 16px;font:15px/1.4 system-ui,sans-serif;background:#fff4ce;color:#3b2f00;border-bottom:1px solid #c9a400}';
      const text = Object.assign(document.createElement('p'), {
        textContent: 'Token Relay: sign in to Addigy here. The token renewal goes on by itself once you are signed in.',
      });
      text.setAttribute('role', 'status');
      banner.append(style, text);
      document.body.prepend(host);
    });
  },
});
