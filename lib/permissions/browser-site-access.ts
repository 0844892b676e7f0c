import { browser } from 'wxt/browser';
import { patternCovers, type ContainsOrigins } from './site-access';
import { requestServerAccess } from './server-address';

/** What SiteAccessNotice needs from the browser; a fake in unit tests. */
export interface SiteAccessPort {
  contains: ContainsOrigins;
  /** Must be called inside the user's click (a user gesture), in an extension page. */
  request(origins: string[]): Promise<boolean>;
  /** Calls back when the user grants or revokes access elsewhere (browser settings); returns an unsubscribe. */
  onChanged(listener: () => void): () => void;
}

/** The real `permissions` API. Calls that throw synchronously (no API) come back as rejections. */
export const browserSiteAccess: SiteAccessPort = {
  async contains(origins) {
    if (await browser.permissions.contains({ origins })) return true;
    // Chrome: content-script hosts are granted (getAll lists them) but contains() says false.
    const granted = (await browser.permissions.getAll()).origins ?? [];
    return origins.every((origin) => granted.some((pattern) => patternCovers(pattern, origin)));
  },
  // Only plain `https://<host>/*` patterns are asked for; anything else is refused without a prompt.
  request: async (origins) => requestServerAccess((checked) => browser.permissions.request({ origins: checked }), origins),
  onChanged(listener) {
    try {
      browser.permissions.onAdded.addListener(listener);
      browser.permissions.onRemoved.addListener(listener);
    } catch {
      return () => undefined;
    }
    return () => {
      browser.permissions.onAdded.removeListener(listener);
      browser.permissions.onRemoved.removeListener(listener);
    };
  },
};
