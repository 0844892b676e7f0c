import { defineConfig } from 'wxt';
import preact from '@preact/preset-vite';

// Apple and Addigy hosts the background worker talks to (neither sends CORS headers), and Addigy's
// console and sign-in pages, whose tab the background opens for a renewal and must be able to see.
const API_HOSTS = ['https://vpp.itunes.apple.com/*', 'https://api.addigy.com/*'];
const CONSOLE_HOSTS = ['https://app.addigy.com/*', 'https://login.addigy.com/*'];
// Apple's consoles (the content script's hosts already): the popup checks, on opening, whether the token section
// there can be read, injecting apple-page-check.js on demand (scripting).
const APPLE_HOSTS = ['https://business.apple.com/*', 'https://school.apple.com/*'];

export default defineConfig({
  // No webextension-polyfill: MV3's APIs return promises natively in Chrome and Firefox (see README).
  vite: () => ({ plugins: [preact()] }),
  hooks: {
    // The page-world hooks run first at document_start: their end of the private bridge must be listening
    // before abm.content hands over its element (lib/capture/bridge.ts).
    'build:manifestGenerated': (_wxt, manifest) => {
      manifest.content_scripts?.sort((a, b) => Number(isMainWorld(b)) - Number(isMainWorld(a)));
    },
  },
  manifest: ({ browser }) => ({
    name: 'Token Relay',
    description: 'Renew Apple Apps and Books (VPP) content tokens in Addigy in two clicks, and keep an eye on them.',
    // offscreen (Chrome only): a document that turns the token into a blob: URL to save; see README "Permissions".
    permissions: ['storage', 'downloads', 'alarms', 'notifications', 'scripting', ...(browser === 'firefox' ? [] : ['offscreen'])],
    host_permissions: [...API_HOSTS, ...CONSOLE_HOSTS, ...APPLE_HOSTS],
    // Another Addigy region, alias or staging host is asked for at run time, never granted up front.
    optional_host_permissions: ['https://*.addigy.com/*'],
    action: { default_title: 'Token Relay' },
    ...(browser === 'firefox'
      ? { browser_specific_settings: { gecko: { id: 'token-relay@example.org', strict_min_version: '128.0' } } }
      : {}),
  }),
});

function isMainWorld(script: object): boolean {
  return (script as { world?: string }).world === 'MAIN';
}
