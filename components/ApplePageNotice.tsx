import type { PageOutline } from '../lib/addigy-console/console-messages';
import { downloadPageReport } from './page-report-download';
import { t } from '../lib/i18n/messages';

/** An open Apple Business/School Manager page where Token Relay cannot read the token section. */
export function ApplePageNotice({ outline }: { outline: PageOutline }) {
  return (
    <section class="card" aria-labelledby="apple-page-unreadable">
      <h2 id="apple-page-unreadable">{t('applePageUnreadableHeading')}</h2>
      <p>{t('applePageUnreadableText')}</p>
      <p>
        <strong>{t('whatToDo')}</strong> {t('applePageUnreadableNext')}
      </p>
      <div class="actions">
        <button onClick={() => downloadPageReport(outline, 'apple')}>{t('savePageReport')}</button>
      </div>
    </section>
  );
}
