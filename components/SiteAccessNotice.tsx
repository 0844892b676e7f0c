import { useCallback, useEffect, useState } from 'preact/hooks';
import { browserSiteAccess, type SiteAccessPort } from '../lib/permissions/browser-site-access';
import { missingSiteAccess, originsOf, type RequiredSite } from '../lib/permissions/site-access';
import { plural, t, tParts } from '../lib/i18n/messages';

/**
 * Says which sites Token Relay cannot reach (access revoked or set to "on click") and why, with one
 * button that asks the browser for all of them. Renders nothing while every site is reachable.
 */
export function SiteAccessNotice({ access = browserSiteAccess }: { access?: SiteAccessPort }) {
  const [missing, setMissing] = useState<RequiredSite[]>([]);
  const [refused, setRefused] = useState(false);

  const check = useCallback(async () => {
    const now = await missingSiteAccess(access.contains);
    setMissing(now);
    return now;
  }, [access]);

  useEffect(() => {
    void check();
    return access.onChanged(() => void check());
  }, [access, check]);

  // permissions.request needs the click's user gesture: it is the first call, before any await.
  const ask = async () => {
    const asked = access.request(originsOf(missing)).catch(() => false);
    const granted = await asked;
    const still = await check();
    setRefused(!granted || still.length > 0);
  };

  if (missing.length === 0) return null;
  return (
    <section class="card notice warn site-access" aria-labelledby="site-access-heading">
      <h2 id="site-access-heading">{plural('siteAccessHeading', missing.length)}</h2>
      <p>{t('siteAccessText')}</p>
      <ul>
        {missing.map((site) => (
          <li key={site.origin}>
            {tParts('siteAccessReason', <strong>{site.host}</strong>, site.reason)}
          </li>
        ))}
      </ul>
      <div class="actions">
        <button class="primary" type="button" onClick={() => void ask()}>
          {missing.length === 1 ? t('allowAccessTo', missing[0]!.host) : t('allowAccessToAll')}
        </button>
      </div>
      {refused && (
        <p>{t('siteAccessRefused')}</p>
      )}
    </section>
  );
}
