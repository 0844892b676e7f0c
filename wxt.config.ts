import { defineConfig } from 'wxt';
import preact from '@preact/preset-vite';
import type { Plugin } from 'vite';
// One list of the sites Token Relay needs, with the reason for each, shared with the popup's missing-access notice.
import { HOST_PERMISSION_ORIGINS } from './lib/permissions/site-access';

export default defineConfig({
  // No webextension-polyfill: MV3's APIs return promises natively in Chrome and Firefox (see README).
  vite: () => ({ plugins: [preact(), appleScriptEntries(), ...fewerPageFiles()] }),
  hooks: {
    // The page-world hooks run first at document_start: their end of the private bridge must be listening
    // before abm.content hands over its element (lib/capture/bridge.ts).
    'build:manifestGenerated': (_wxt, manifest) => {
      manifest.content_scripts?.sort((a, b) => Number(isMainWorld(b)) - Number(isMainWorld(a)));
    },
  },
  // `wxt zip -b firefox` also packs the sources AMO review rebuilds from (npm ci && npm run build:firefox).
  zip: { excludeSources: ['tests/**', 'docs/screenshots/**', 'coverage/**', 'vitest.*.ts', 'vitest.config.ts'] },
  manifest: ({ browser }) => ({
    // The extension's own words follow the browser's language (public/_locales, lib/i18n); English is the fallback.
    name: '__MSG_extName__',
    description: '__MSG_extDescription__',
    default_locale: 'en',
    // offscreen (Chrome only): a document that turns the token into a blob: URL to save; scripting: the popup's
    // on-demand check of an Apple page it cannot read. See README "Permissions".
    // identity (Intune's sign-in): optional in Chrome; Firefox has no optional `identity`, so it is declared there,
    // where it shows no install warning.
    permissions: ['storage', 'downloads', 'alarms', 'notifications', 'scripting', ...(browser === 'firefox' ? ['identity'] : ['offscreen'])],
    host_permissions: HOST_PERMISSION_ORIGINS,
    // Asked for at run time, one plain `https://<host>[:port]/*` at a time (lib/permissions/server-address.ts), never
    // granted up front: another Addigy region, alias or staging host (the key goes only to *.addigy.com: checked in
    // code, isAddigyBaseUrlAllowed); a connection's own server (<tenant>.jamfcloud.com, a self-hosted Jamf Pro or
    // Fleet); Microsoft's sign-in and Graph for an Intune connection. See README "Permissions".
    optional_host_permissions: ['https://*/*'],
    // Intune only: Sign in with Microsoft runs through identity.launchWebAuthFlow.
    ...(browser === 'firefox' ? {} : { optional_permissions: ['identity'] }),
    action: { default_title: 'Token Relay' },
    ...(browser === 'firefox'
      ? {
          browser_specific_settings: {
            gecko: {
              id: 'token-relay@example.org',
              // The Apple-page scripts need the Navigation API and CSS anchor positioning: Firefox 147 (desktop and
              // Android). data_collection_permissions is understood from 140 (Android 142).
              strict_min_version: '147.0',
              // Sent off the device: the token file (to Apple and Addigy) and the API key (to Addigy). Nothing else.
              data_collection_permissions: { required: ['authenticationInfo'] },
            },
            gecko_android: { strict_min_version: '147.0' },
          },
        }
      : // The Apple-page scripts need CSS anchor positioning (Chrome 125); the Navigation API and MAIN-world content
        // scripts in the manifest came earlier (102, 111).
        { minimum_chrome_version: '125' }),
  }),
});

function isMainWorld(script: object): boolean {
  return (script as { world?: string }).world === 'MAIN';
}

/**
 * The two Apple-page scripts run in every frame of every Apple page, so each gets a one-line entry wrapper instead
 * of WXT's (its logger, plugin hook and async try/catch do nothing in production), and abm.content gets a plain
 * signal instead of WXT's ContentScriptContext, of which it used only the signal (~1.2 KB less, gzipped; see
 * docs/abm-capture.md for what a copy left behind by an extension update does). The wrapper imports the entry's named
 * `main`, not its default export, so the manifest options (which WXT reads at build time) stay out of the bundle.
 * The scripts on Addigy's hosts get the same one-line wrapper, for another reason: WXT's context posts the extension's
 * id to the page at start-up and aborts on a replay of it, which a page could use to stop a running job (issue 19).
 * The console driver is an unlisted script, injected by the background into its own Addigy tabs only (issue 23):
 * WXT's unlisted wrapper posts nothing, but the one-liner is smaller and the same as the others. Both are minified by terser rather than esbuild: ~0.35 KB less gzipped
 * (its compressor inlines and joins more, and it names variables so that the same few letters repeat). Issue 12 gives
 * these two 6 KB together.
 */
function appleScriptEntries(): Plugin {
  const isolated = '\0virtual:wxt-content-script-isolated-world-entrypoint?';
  const main = '\0virtual:wxt-content-script-main-world-entrypoint?';
  const unlisted = '\0virtual:wxt-unlisted-script-entrypoint?';
  const appleEntries = ['/entrypoints/abm.content/index.ts', '/entrypoints/download-hooks.content.ts'];
  const addigyEntries = ['/entrypoints/addigy-sign-in.content.ts'];
  const consoleDriver = '/entrypoints/addigy-console-driver.ts';
  return {
    name: 'token-relay:apple-script-entries',
    enforce: 'pre',
    config(config) {
      const entry = config.build?.lib ? config.build.lib.entry : undefined;
      if (typeof entry !== 'string' || !appleEntries.some((path) => entry.endsWith(path)) || config.build?.minify === false) return;
      return { build: { minify: 'terser', terserOptions: { ecma: 2020, compress: { passes: 3 }, format: { comments: false } } } };
    },
    load(id) {
      if (id.startsWith(isolated) && id.endsWith('/entrypoints/abm.content/index.ts')) {
        const entry = JSON.stringify(id.slice(isolated.length));
        return `import{main}from ${entry};main({signal:new AbortController().signal});`;
      }
      if (id.startsWith(main) && id.endsWith('/entrypoints/download-hooks.content.ts')) {
        return `import{main}from ${JSON.stringify(id.slice(main.length))};main();`;
      }
      // Addigy's pages: no WXT context, whose start-up signal posts our id to the page and lets the page abort a job.
      if (id.startsWith(isolated) && addigyEntries.some((path) => id.endsWith(path))) {
        return `import{main}from ${JSON.stringify(id.slice(isolated.length))};main();`;
      }
      // The console driver, which the background injects into its own Addigy tabs only: the same one line.
      if (id.startsWith(unlisted) && id.endsWith(consoleDriver)) {
        return `import{main}from ${JSON.stringify(id.slice(unlisted.length))};main();`;
      }
      return null;
    },
  };
}

/**
 * Fewer bytes and files before the popup's first frame (docs/performance.md), for every extension page:
 * - Vite's modulepreload polyfill is left out: Chrome 125 and Firefox 147 preload modules themselves.
 * - Preact and its hooks, shared by the popup and Options (never the worker), go in one chunk rather than however
 *   their importers split them.
 * - WXT's script that starts WXT plugins is left out: Token Relay has none (its own chunk, two files for nothing).
 *   Run after WXT's own 'pre' step, which adds it.
 */
function fewerPageFiles(): Plugin[] {
  // Preact and the extension's words, which the popup and Options both load before their first frame: one file.
  const manualChunks = (id: string) => (id.includes('/node_modules/preact/') || id.includes('/lib/i18n/') ? 'preact' : undefined);
  return [
    {
      name: 'token-relay:fewer-page-files',
      config(config) {
        if (config.build?.lib) return; // the content scripts: one file each already
        return { build: { modulePreload: { polyfill: false }, rollupOptions: { output: { manualChunks } } } };
      },
    },
    {
      // popup.html for its first frame (issue 23, docs/performance.md): its stylesheet inline, and its modules
      // fetched and run by public/popup-shell.js, once the shell's frame is on screen. A linked
      // stylesheet held the shell back (a plain script waits for pending stylesheets) while the browser process
      // served it alongside the modules; extension pages' CSP limits scripts, not inline styles.
      name: 'token-relay:popup-first-frame',
      enforce: 'post',
      generateBundle(_options, bundle) {
        const html = bundle['entrypoints/popup/index.html'];
        if (html?.type !== 'asset') return;
        let text = String(html.source);
        for (const [link, href] of text.matchAll(/<link rel="stylesheet"[^>]*href="\/([^"]+\.css)"[^>]*>/g)) {
          const css = bundle[href!];
          if (css?.type !== 'asset') throw new Error(`popup.html links ${href}, which the build did not make`);
          text = text.replace(link, () => `<style>${String(css.source)}</style>`);
          delete bundle[href!];
        }
        // The entry and its chunks are named on popup-shell.js's tag, which fetches and runs them after the shell's
        // frame (docs/performance.md: as modulepreloads in <head>, they held that frame back).
        const entry = /<script type="module"[^>]*src="([^"]+)"[^>]*><\/script>/.exec(text);
        const shellTag = '<script src="/popup-shell.js"></script>';
        if (!entry || !text.includes(shellTag)) throw new Error('popup.html: no module script, or no popup-shell.js to run it');
        text = text.replace(entry[0], '');
        const preloads: string[] = [];
        text = text.replace(/\s*<link rel="modulepreload"[^>]*href="([^"]+)"[^>]*>/g, (_link, href: string) => {
          preloads.push(href);
          return '';
        });
        html.source = text.replace(shellTag, () => `<script src="/popup-shell.js" data-entry="${entry[1]}" data-preload="${preloads.join(' ')}"></script>`);
      },
    },
    {
      name: 'token-relay:no-wxt-html-plugins',
      enforce: 'post',
      transformIndexHtml: {
        order: 'pre',
        handler: (html) => html.replace(/<script[^>]*"virtual:wxt-html-plugins"[^>]*><\/script>/, ''),
      },
    },
  ];
}
