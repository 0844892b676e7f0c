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
    expect([...manifest.permissions].sort()).toEqual(['alarms', 'downloads', 'notifications', 'storage']);
    expect([...manifest.host_permissions].sort()).toEqual(['https://api.addigy.com/*', 'https://vpp.itunes.apple.com/*']);
    expect(manifest.optional_host_permissions).toEqual(['https://*/*']);
  });

  it('runs content scripts only on the two Apple consoles, in every frame', () => {
    for (const script of manifest.content_scripts) {
      expect([...script.matches].sort()).toEqual(['https://business.apple.com/*', 'https://school.apple.com/*']);
      expect(script.all_frames).toBe(true);
    }
    expect(manifest.content_scripts.map((s: { world?: string }) => s.world ?? 'ISOLATED').sort()).toEqual(['ISOLATED', 'MAIN']);
  });

  it('has its icons', () => {
    expect(Object.keys(manifest.icons).sort()).toEqual(['128', '16', '32', '48']);
  });
});
