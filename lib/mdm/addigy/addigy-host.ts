import { browser } from 'wxt/browser';
import { AddigyClient, DEFAULT_ADDIGY_BASE_URL, type AddigyClientOptions } from './addigy-client';
import { checkServerAddress, originPatternFor } from '../../permissions/server-address';

/** The only hosts Token Relay sends anything for Addigy to (checked in code, whatever the browser grants). */
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
 * May the API key (and anything else for Addigy) go to this base URL? Only to an Addigy host (`isAddigyHost`) with a
 * plain host name, and only to the default host or one the user granted in Options. The grant alone is not enough:
 * with every https host an optional permission, a Jamf Pro or Fleet server the user granted is granted too. A value planted in
 * storage by a content script fails here.
 */
export async function isAddigyBaseUrlAllowed(baseUrl: string, granted: HostGrantCheck = browserGrants): Promise<boolean> {
  const checked = checkServerAddress(baseUrl);
  if (!checked.ok || !isAddigyHost(checked.url.hostname)) return false;
  if (checked.url.origin === new URL(DEFAULT_ADDIGY_BASE_URL).origin) return true;
  const pattern = originPatternFor(baseUrl);
  return pattern !== undefined && granted(pattern);
}

/** The Addigy client as the background runs it: it refuses a host the user has not granted. */
export function addigyClientFor(options: Omit<AddigyClientOptions, 'hostAllowed'>): AddigyClient {
  return new AddigyClient({ ...options, hostAllowed: (baseUrl) => isAddigyBaseUrlAllowed(baseUrl) });
}
