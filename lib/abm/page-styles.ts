import { BASE_CSS } from './own-host';

// The look of the Apple-page script's elements. Not in that script: the background publishes it with Apple's words
// (page-labels.ts), since every byte of that script loads on every Apple page. Without it (storage not written yet),
// the elements still work, in the browser's default look.

/** The "Send to …" button beside each Download control. */
export const SEND_BUTTON_CSS =
  BASE_CSS +
  ':host{display:inline-block;margin-inline-start:8px;vertical-align:middle}' +
  'button{font:inherit;font-weight:500;color:inherit;background:var(--bg);border:1px solid var(--line);border-radius:99px;padding:4px 11px;cursor:pointer;white-space:nowrap}' +
  'button:hover{background:var(--hover)}' +
  'button:focus-visible{outline:2px solid #0071e3;outline-offset:2px}' +
  'button:disabled{color:var(--muted);cursor:default}';

/** The no-rights note under the section heading. */
export const HINT_CSS =
  BASE_CSS +
  ':host{display:block;margin:8px 0;max-width:640px}' +
  'p{margin:0;padding:6px 10px;border:1px solid var(--line);border-radius:8px;color:var(--muted);background:var(--bg)}';
