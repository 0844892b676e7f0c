import type { PageOutline } from '../lib/addigy-console/console-messages';
import { downloadPageReport } from './page-report-download';

/** An open Apple Business/School Manager page where Token Relay cannot read the token section. */
export function ApplePageNotice({ outline }: { outline: PageOutline }) {
  return (
    <section class="card" aria-labelledby="apple-page-unreadable">
      <h2 id="apple-page-unreadable">Token Relay cannot read Apple’s page</h2>
      <p>
        The Apple Business Manager (or School Manager) tab is on Payments and Billing, but Token Relay finds no Content
        Tokens section there, so it shows no Send to Addigy buttons. Apple may have changed the page.
      </p>
      <p>
        <strong>What to do:</strong> download the token with Apple’s own Download button and choose the file below. To
        help fix this, save a page report (the page’s outline, with no names, tokens or other values in it) and send it to
        whoever maintains Token Relay.
      </p>
      <div class="actions">
        <button onClick={() => downloadPageReport(outline, 'apple')}>Save a page report</button>
      </div>
    </section>
  );
}
