import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { EXTENSION_DIR } from './harness.mjs';

/** The build under test is the build users install: its manifest holds only what the README justifies. */
describe('the production manifest', () => {
  const text = readFileSync(join(EXTENSION_DIR, 'manifest.json'), 'utf8');
  const manifest = JSON.parse(text);

  it('names no test host', () => {
    expect(text).not.toMatch(/localhost|127\.0\.0\.1|\[::1\]|sandbox/i);
  });

  it('asks for the permissions the README lists, and no more', () => {
    expect(manifest.manifest_version).toBe(3);
    expect([...manifest.permissions].sort()).toEqual(['alarms', 'downloads', 'notifications', 'offscreen', 'scripting', 'storage']);
    expect([...manifest.host_permissions].sort()).toEqual([
      'https://api.addigy.com/*',
      'https://app.addigy.com/*',
      'https://business.apple.com/*',
      'https://login.addigy.com/*',
      'https://school.apple.com/*',
      'https://vpp.itunes.apple.com/*',
    ]);
    // Asked for at run time only, one host at a time: another Addigy host, a connection's own server, Microsoft for
    // Intune. `https://*.addigy.com/*` is gone: `https://*/*` covers it, and the Addigy key's host is checked in code.
    expect(manifest.optional_host_permissions).toEqual(['https://*/*']);
    expect(manifest.optional_permissions).toEqual(['identity']);
  });

  it('runs content scripts on the two Apple consoles in every frame, and on Addigy’s sign-in page in the top frame only', () => {
    const apple = manifest.content_scripts.filter((s: { matches: string[] }) => s.matches.some((m) => m.includes('apple.com')));
    for (const script of apple) {
      expect([...script.matches].sort()).toEqual(['https://business.apple.com/*', 'https://school.apple.com/*']);
      expect(script.all_frames).toBe(true);
    }
    expect(apple.map((s: { world?: string }) => s.world ?? 'ISOLATED').sort()).toEqual(['ISOLATED', 'MAIN']);
    const addigy = manifest.content_scripts.filter((s: { matches: string[] }) => s.matches.some((m) => m.includes('addigy.com')));
    expect(addigy.map((s: { matches: string[] }) => s.matches).sort()).toEqual([['https://login.addigy.com/*']]);
    for (const script of addigy) {
      expect(script.all_frames ?? false).toBe(false);
      expect(script.world ?? 'ISOLATED').toBe('ISOLATED');
    }
    expect(manifest.content_scripts).toHaveLength(3);
  });

  it('lists the Addigy console script nowhere: the background injects it into its own renewal tabs only (issue 23)', () => {
    expect(readFileSync(join(EXTENSION_DIR, 'addigy-console-driver.js'), 'utf8')).toMatch(/console:press-save/);
    expect(text).not.toContain('addigy-console');
    expect(manifest.web_accessible_resources).toBeUndefined();
  });

  it('has its icons', () => {
    expect(Object.keys(manifest.icons).sort()).toEqual(['128', '16', '32', '48']);
  });
});
