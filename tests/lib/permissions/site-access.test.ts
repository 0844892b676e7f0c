import { describe, expect, it } from 'vitest';
import abmContent from '../../../entrypoints/abm.content/index';
import downloadHooks from '../../../entrypoints/download-hooks.content';
import addigySignIn from '../../../entrypoints/addigy-sign-in.content';
import { ADDIGY_CONSOLE_ORIGIN } from '../../../lib/addigy-console/console-messages';
import {
  CONSOLE_ORIGINS,
  CONTENT_SCRIPT_ORIGINS,
  HOST_PERMISSION_ORIGINS,
  REQUIRED_SITES,
  missingSiteAccess,
  originsOf,
  patternCovers,
} from '../../../lib/permissions/site-access';

/** A browser where exactly these origins are granted. */
const grantedOnly =
  (...granted: string[]) =>
  async (origins: string[]) =>
    origins.every((origin) => granted.includes(origin));

describe('the sites Token Relay needs', () => {
  it('are the manifest’s host permissions and the content scripts’ hosts, each with a reason', () => {
    expect(originsOf(REQUIRED_SITES)).toEqual([
      'https://business.apple.com/*',
      'https://school.apple.com/*',
      'https://app.addigy.com/*',
      'https://login.addigy.com/*',
      'https://vpp.itunes.apple.com/*',
      'https://api.addigy.com/*',
    ]);
    for (const site of REQUIRED_SITES) {
      expect(site.origin).toBe(`https://${site.host}/*`);
      expect(site.reason.length).toBeGreaterThan(20);
    }
  });

  it('stay in sync with the content scripts (wxt.config.ts takes HOST_PERMISSION_ORIGINS itself)', () => {
    // Not per-browser: one list of matches for every build.
    expect([...(abmContent.matches as string[])].sort()).toEqual([...CONTENT_SCRIPT_ORIGINS].sort());
    expect([...(downloadHooks.matches as string[])].sort()).toEqual([...CONTENT_SCRIPT_ORIGINS].sort());
    // The console script is injected (the host permission lets it in) into Addigy's console only; the sign-in script is listed.
    expect([`${ADDIGY_CONSOLE_ORIGIN}/*`, ...(addigySignIn.matches as string[])].sort()).toEqual([...CONSOLE_ORIGINS].sort());
    expect([...HOST_PERMISSION_ORIGINS].sort()).toEqual(originsOf(REQUIRED_SITES).sort());
  });
});

describe('missingSiteAccess', () => {
  it('is empty when every site is granted', async () => {
    expect(await missingSiteAccess(grantedOnly(...originsOf(REQUIRED_SITES)))).toEqual([]);
  });

  it('names exactly the sites that are missing, in the list’s order, asking for each on its own', async () => {
    const asked: string[][] = [];
    const missing = await missingSiteAccess(async (origins) => {
      asked.push(origins);
      return grantedOnly('https://school.apple.com/*', 'https://vpp.itunes.apple.com/*')(origins);
    });
    expect(missing.map((site) => site.host)).toEqual(['business.apple.com', 'app.addigy.com', 'login.addigy.com', 'api.addigy.com']);
    expect(asked).toHaveLength(REQUIRED_SITES.length);
    for (const origins of asked) expect(origins).toHaveLength(1);
  });

  it('counts a site the browser cannot answer for as present, so no false alarm', async () => {
    const missing = await missingSiteAccess(async ([origin]) => {
      if (origin === 'https://api.addigy.com/*') throw new Error('permissions API unavailable');
      return origin !== 'https://business.apple.com/*';
    });
    expect(missing.map((site) => site.host)).toEqual(['business.apple.com']);
  });
});

describe('patternCovers', () => {
  it('matches the same pattern, wildcard hosts and schemes, and <all_urls>', () => {
    const required = 'https://business.apple.com/*';
    expect(patternCovers(required, required)).toBe(true);
    expect(patternCovers('https://*/*', required)).toBe(true);
    expect(patternCovers('*://*.apple.com/*', required)).toBe(true);
    expect(patternCovers('<all_urls>', required)).toBe(true);
  });

  it('does not stretch a pattern to another host, scheme or a narrower path', () => {
    const required = 'https://business.apple.com/*';
    expect(patternCovers('https://school.apple.com/*', required)).toBe(false);
    expect(patternCovers('http://business.apple.com/*', required)).toBe(false);
    expect(patternCovers('https://business.apple.com/portal/*', required)).toBe(false);
    expect(patternCovers('https://*.addigy.com/*', required)).toBe(false);
    expect(patternCovers('https://*.apple.com/*', 'https://notapple.com/*')).toBe(false);
  });
});
