/**
 * The sites Token Relay needs, each with the reason a user is told. One list: wxt.config.ts builds the
 * manifest's host_permissions from it, and the content scripts' matches are checked against it in tests.
 * Users can revoke site access or set it to "on click" in both browsers (Firefox treats MV3 host
 * permissions as optional), so the popup and Options ask what is missing and offer to restore it.
 */

export interface RequiredSite {
  /** A match pattern, as in the manifest and in `permissions.contains({ origins })`. */
  origin: string;
  /** Shown to the user. */
  host: string;
  /** What stops working without it, in plain words. */
  reason: string;
}

/** Where the Apple content scripts run (every frame): the two Apple consoles. */
export const CONTENT_SCRIPT_SITES = [
  {
    origin: 'https://business.apple.com/*',
    host: 'business.apple.com',
    reason: 'Apple Business Manager: to put Send to Addigy beside each token and catch the token you download.',
  },
  {
    origin: 'https://school.apple.com/*',
    host: 'school.apple.com',
    reason: 'Apple School Manager: the same, for schools.',
  },
] as const satisfies readonly RequiredSite[];

/**
 * Addigy's console and sign-in page (top frame only): where the renewal is done, in a tab Token Relay opens. The
 * console script is injected into that tab only (scripting.executeScript, which needs this host); the sign-in
 * script is a manifest content script.
 */
export const CONSOLE_SITES = [
  {
    origin: 'https://app.addigy.com/*',
    host: 'app.addigy.com',
    reason: "Addigy's console: where Token Relay presses Renew and hands over the file for you, in a tab it opens.",
  },
  {
    origin: 'https://login.addigy.com/*',
    host: 'login.addigy.com',
    reason: "Addigy's sign-in page: to notice when that tab needs you to sign in, and say so there.",
  },
] as const satisfies readonly RequiredSite[];

/** What the background worker calls (neither sends CORS headers): the manifest's host_permissions. */
export const HOST_PERMISSION_SITES = [
  {
    origin: 'https://vpp.itunes.apple.com/*',
    host: 'vpp.itunes.apple.com',
    reason: "Apple's Apps and Books service: to check that a token is alive and which location it belongs to.",
  },
  {
    origin: 'https://api.addigy.com/*',
    host: 'api.addigy.com',
    reason: "Addigy's API (read only): to find the matching token, check the renewal took effect and keep an eye on your tokens.",
  },
] as const satisfies readonly RequiredSite[];

export const REQUIRED_SITES: readonly RequiredSite[] = [...CONTENT_SCRIPT_SITES, ...CONSOLE_SITES, ...HOST_PERMISSION_SITES];

/**
 * The manifest's host_permissions (wxt.config.ts): the background's calls, and the content scripts' sites too,
 * since the background checks the Addigy tab's address and injects the Apple page check on demand.
 */
export const HOST_PERMISSION_ORIGINS: string[] = REQUIRED_SITES.map((site) => site.origin);
/** The Apple content scripts' matches (entrypoints/abm.content, download-hooks.content). */
export const CONTENT_SCRIPT_ORIGINS: string[] = CONTENT_SCRIPT_SITES.map((site) => site.origin);
/** Where the Addigy scripts run: the console script injected into Token Relay's tab, and addigy-sign-in.content. */
export const CONSOLE_ORIGINS: string[] = CONSOLE_SITES.map((site) => site.origin);

/** `permissions.contains` for one origin; may reject or throw where the API is missing. */
export type ContainsOrigins = (origins: string[]) => Promise<boolean>;

/**
 * The required sites the extension cannot reach now, in the order of REQUIRED_SITES.
 * Each is asked on its own, so the answer names exactly which are missing. A site the browser
 * cannot answer for counts as present: a notice must never cry wolf.
 */
export async function missingSiteAccess(contains: ContainsOrigins, sites: readonly RequiredSite[] = REQUIRED_SITES): Promise<RequiredSite[]> {
  const granted = await Promise.all(
    sites.map(async (site) => {
      try {
        return await contains([site.origin]);
      } catch {
        return true;
      }
    }),
  );
  return sites.filter((_, i) => !granted[i]);
}

/**
 * Whether a granted match pattern covers a required one (`https://host/*`). Chrome's
 * `permissions.contains` answers false for content-script hosts that `permissions.getAll` lists as
 * granted, so the adapter also checks the granted list with this.
 */
export function patternCovers(granted: string, required: string): boolean {
  if (granted === '<all_urls>') return /^(https?|wss?|ftp|file):/.test(required);
  const g = /^(\*|[a-z][a-z0-9+.-]*):\/\/([^/]*)(\/.*)$/.exec(granted);
  const r = /^([a-z][a-z0-9+.-]*):\/\/([^/]*)(\/.*)$/.exec(required);
  if (!g || !r) return false;
  const [, gScheme, gHost, gPath] = g;
  const [, rScheme, rHost, rPath] = r;
  const schemeOk = gScheme === rScheme || (gScheme === '*' && (rScheme === 'http' || rScheme === 'https'));
  const hostOk =
    gHost === '*' || gHost === rHost || (gHost!.startsWith('*.') && (rHost === gHost!.slice(2) || rHost!.endsWith(gHost!.slice(1))));
  const pathOk = gPath === '/*' || gPath === rPath;
  return schemeOk && hostOk && pathOk;
}

/** The origins to ask for in one `permissions.request`. */
export const originsOf = (sites: readonly RequiredSite[]): string[] => sites.map((site) => site.origin);
