import { browser } from 'wxt/browser';
import { AddigyClient, DEFAULT_ADDIGY_BASE_URL, type AddigyClientOptions } from './addigy-client';

/** The only hosts Token Relay may be asked to reach for Addigy (the manifest's optional host permission). */
export const ADDIGY_HOST_SUFFIX = '.addigy.com';

/** Is this an Addigy host (a region, an alias such as prod.addigy.com, a staging host)? */
export function isAddigyHost(host: string): boolean {
  return host === 'addigy.com' || host.endsWith(ADDIGY_HOST_SUFFIX);
}

/** Asks the browser whether the user granted this origin; the default host is granted by the manifest. */
export type HostGrantCheck = (originPattern: string) => Promise<boolean>;

const browserGrants: HostGrantCheck = async (originPattern) => {
  try {
    return await browser.permissions.contains({ origins: [originPattern] });
  } catch {
    return false;
  }
};

/**
 * May the API key (and anything else for Addigy) go to this base URL? Only to the default host, or to
 * another https host the user granted in Options. A value planted in storage by a content script fails here.
 */
export async function isAddigyBaseUrlAllowed(baseUrl: string, granted: HostGrantCheck = browserGrants): Promise<boolean> {
  let url: URL;
  try {
    url = new URL(baseUrl);
  } catch {
    return false;
  }
  if (url.protocol !== 'https:' || url.username || url.password) return false;
  if (url.origin === new URL(DEFAULT_ADDIGY_BASE_URL).origin) return true;
  return granted(`${url.origin}/*`);
}

/** The Addigy client as the background runs it: it refuses a host the user has not granted. */
export function addigyClientFor(options: Omit<AddigyClientOptions, 'hostAllowed'>): AddigyClient {
  return new AddigyClient({ ...options, hostAllowed: (baseUrl) => isAddigyBaseUrlAllowed(baseUrl) });
}
