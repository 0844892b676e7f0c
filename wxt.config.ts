import { defineConfig } from 'wxt';
import preact from '@preact/preset-vite';
// One list of the sites Token Relay needs, shared with the popup's missing-access notice.
import { HOST_PERMISSION_ORIGINS } from './lib/permissions/site-access';

export default defineConfig({
  // No webextension-polyfill: MV3's APIs return promises natively in Chrome and Firefox (see README).
  vite: () => ({ plugins: [preact()] }),
  // `wxt zip -b firefox` also packs the sources AMO review rebuilds from (npm ci && npm run build:firefox).
  zip: { excludeSources: ['tests/**', 'docs/screenshots/**', 'coverage/**', 'vitest.*.ts', 'vitest.config.ts'] },
  manifest: ({ browser }) => ({
    name: 'Token Relay',
    description: 'Renew Apple Apps and Books (VPP) content tokens in Addigy in two clicks, and keep an eye on them.',
    permissions: ['storage', 'downloads', 'alarms', 'notifications'],
    host_permissions: HOST_PERMISSION_ORIGINS,
    // Another Addigy region or a staging host is asked for at run time, never granted up front.
    optional_host_permissions: ['https://*/*'],
    action: { default_title: 'Token Relay' },
    ...(browser === 'firefox'
      ? {
          browser_specific_settings: {
            gecko: {
              id: 'token-relay@example.org',
              // data_collection_permissions is understood from Firefox 140 (Android 142).
              strict_min_version: '140.0',
              // Sent off the device: the token file (to Apple and Addigy) and the API key (to Addigy). Nothing else.
              data_collection_permissions: { required: ['authenticationInfo'] },
            },
            gecko_android: { strict_min_version: '142.0' },
          },
        }
      : // MAIN-world content scripts declared in the manifest need Chrome 111.
        { minimum_chrome_version: '111' }),
  }),
});
