/**
 * Server addresses the admin types (the Addigy API address, a Jamf Pro or Fleet server) and the host permission
 * asked for each. Only a plain DNS host name (and a port) may become a host permission: a `*` would ask for a whole
 * domain or, as `https://*`, for a host the browser writes `%2A`; an IP literal or `localhost` is no server a
 * production setup needs. See docs/security.md ("Server addresses").
 */
import { t } from '../i18n/messages';

/** Why an address cannot be a server address. */
export type AddressFault = 'not-a-url' | 'not-https' | 'credentials' | 'query' | 'wildcard' | 'ip-address' | 'not-a-host-name' | 'port';

export type AddressCheck = { ok: true; url: URL } | { ok: false; fault: AddressFault };

const LABEL = /^(?!-)[a-z0-9-]{1,63}(?<!-)$/;
/** The last label starts with a letter: a numeric one makes the URL parser read an IPv4 address. */
const TOP_LABEL = /^[a-z][a-z0-9-]*$/;
const MAX_HOST_CHARS = 253;

/**
 * A plain DNS host name as the URL parser leaves it (lower case, IDNs in punycode): at least two dot-separated labels
 * of letters, digits and hyphens, 1–63 characters each, no hyphen first or last, 253 characters at most, not an IP
 * address. No `*`, `%`, `_`, brackets or trailing dot.
 */
export function isPlainHostName(hostname: string): boolean {
  if (!hostname || hostname.length > MAX_HOST_CHARS) return false;
  const labels = hostname.split('.');
  return labels.length >= 2 && labels.every((label) => LABEL.test(label)) && TOP_LABEL.test(labels.at(-1)!);
}

/** A port as the URL parser leaves it: '' (the default, 443) or 1–65535. */
const isPlainPort = (port: string) => port === '' || (/^\d{1,5}$/.test(port) && Number(port) >= 1 && Number(port) <= 65_535);

/**
 * Checks an address the admin typed. `https://` may be left out when `schemeOptional` (a server URL box); the
 * Addigy API address must be written in full. Paths are allowed (a self-hosted server under `/jss`).
 */
export function checkServerAddress(input: string, { schemeOptional = false } = {}): AddressCheck {
  const text = input.trim();
  const withScheme = schemeOptional && !text.includes('://') ? `https://${text}` : text;
  let url: URL;
  try {
    url = new URL(withScheme);
  } catch {
    // The parser refuses a host with spaces or a port over 65535; say "wildcard" when that is what was typed.
    return { ok: false, fault: /^[a-z]+:\/\/[^/]*(\*|%2a)/i.test(withScheme) ? 'wildcard' : 'not-a-url' };
  }
  if (url.protocol !== 'https:') return { ok: false, fault: 'not-https' };
  if (url.username || url.password) return { ok: false, fault: 'credentials' };
  // Chromium's parser writes a `*` in a host as `%2A`; Node's and Firefox's keep it.
  if (/\*|%2a/i.test(url.hostname)) return { ok: false, fault: 'wildcard' };
  if (url.hostname.startsWith('[') || /^[\d.]+$/.test(url.hostname)) return { ok: false, fault: 'ip-address' };
  if (!isPlainHostName(url.hostname)) return { ok: false, fault: 'not-a-host-name' };
  if (!isPlainPort(url.port)) return { ok: false, fault: 'port' };
  if (url.search || url.hash) return { ok: false, fault: 'query' };
  return { ok: true, url };
}

/** A checked address as it is kept: the origin plus any path, no trailing slash; undefined when it fails the check. */
export function normaliseServerAddress(input: string, options: { schemeOptional?: boolean } = {}): string | undefined {
  const checked = checkServerAddress(input, options);
  return checked.ok ? `${checked.url.origin}${checked.url.pathname.replace(/\/+$/, '')}` : undefined;
}

/** What is wrong with the address, in plain words, with an example of a right one. */
export function addressFaultMessage(fault: AddressFault, example: string): string {
  switch (fault) {
    case 'wildcard':
      return t('addressFaultWildcard', example);
    case 'not-https':
      return t('addressFaultNotHttps', example);
    case 'credentials':
      return t('addressFaultCredentials', example);
    case 'query':
      return t('addressFaultQuery', example);
    case 'ip-address':
      return t('addressFaultIpAddress', example);
    case 'port':
      return t('addressFaultPort', example);
    case 'not-a-host-name':
      return t('addressFaultNotAHostName', example);
    case 'not-a-url':
      return t('addressFaultNotAUrl', example);
  }
}

/**
 * The host permission for one server: `https://<host>[:port]/*`, built from a checked address; undefined for
 * anything else. The only way an origin pattern for a typed address is made.
 */
export function originPatternFor(address: string): string | undefined {
  const checked = checkServerAddress(address);
  return checked.ok ? `https://${checked.url.host}/*` : undefined;
}

/**
 * May this origin pattern go to `permissions.request`? Only `https://<plain host>[:port]/*`. Checked right before
 * every request, whoever built the pattern.
 */
export function isRequestableOrigin(pattern: string): boolean {
  const match = /^https:\/\/([^/]+)\/\*$/.exec(pattern);
  if (!match) return false;
  return originPatternFor(`https://${match[1]}`) === pattern;
}

/** `permissions.request` for sites, refusing (false, no prompt) when any origin is not one plain server. */
export async function requestServerAccess(
  request: (origins: string[]) => Promise<boolean>,
  origins: readonly string[],
): Promise<boolean> {
  if (!origins.length || !origins.every(isRequestableOrigin)) return false;
  return request([...origins]);
}
