import { readFileSync } from 'node:fs';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Page } from 'playwright-core';
import type { Sandbox } from '../sandbox/index.mjs';
import { closeBrowserUnderTest, everyTokenHealthy, openBrowserUnderTest, openTokensPage } from './harness.mjs';
import type { ExtensionSession } from './harness.mjs';

/** The Chrome Web Store's screenshot size (AMO takes it too). */
const STORE = { width: 1280, height: 800 };
/** A toolbar popup is at most 800×600 in Chrome; ours is 380 px wide (main.popup). */
const POPUP = { width: 380, height: 600 };
const OUT = '.output/e2e';

/** The popup as the toolbar shows it: its top, at most 600 px tall (laid out taller, so no scrollbars show). */
async function popupImage(popup: Page): Promise<Buffer> {
  await popup.setViewportSize({ width: POPUP.width, height: 1600 });
  const height = Math.min(POPUP.height, await popup.evaluate(() => document.documentElement.scrollHeight));
  return popup.screenshot({ clip: { x: 0, y: 0, width: POPUP.width, height } });
}

/**
 * The Apple page with the popup open over it at the top right, below where the toolbar icon is: both
 * pictures are screenshots of the real build; only their arrangement is drawn here.
 */
async function composeStoreShot(session: ExtensionSession, page: Buffer, popup: Buffer, path: string) {
  const stage = await session.context.newPage();
  await stage.setViewportSize(STORE);
  const src = (png: Buffer) => `data:image/png;base64,${png.toString('base64')}`;
  await stage.setContent(`<!doctype html><style>
    body { margin: 0; width: ${STORE.width}px; height: ${STORE.height}px; overflow: hidden; position: relative; }
    .page { position: absolute; inset: 0; }
    .popup { position: absolute; top: 8px; right: 24px; border-radius: 8px; border: 1px solid #c7c7cc;
             box-shadow: 0 12px 32px rgba(0,0,0,.28); }
  </style><img class="page" src="${src(page)}"><img class="popup" src="${src(popup)}">`);
  await stage.waitForFunction(() => [...document.images].every((img) => img.complete && img.naturalWidth > 0));
  await stage.screenshot({ path });
  await stage.close();
}

/** PNG width and height, from the IHDR chunk. */
const pngSize = (path: string) => {
  const png = readFileSync(path);
  return { width: png.readUInt32BE(16), height: png.readUInt32BE(20) };
};

describe('store screenshots, 1280×800, from the production build', () => {
  let sandbox: Sandbox;
  let session: ExtensionSession;

  beforeAll(async () => ({ sandbox, session } = await openBrowserUnderTest({ seed: everyTokenHealthy, saveKey: true })));
  afterAll(() => closeBrowserUnderTest({ sandbox, session }));

  it('Send to Addigy on Apple’s page, the confirmation, the result, and Options', async () => {
    const apple = await openTokensPage(session);
    await apple.setViewportSize(STORE);
    const send = apple.getByRole('button', { name: 'Send to Addigy: Main Campus' });
    await send.waitFor();
    await apple.screenshot({ path: `${OUT}/store-1-send-to-addigy.png` });

    await send.click();
    const popup = await session.openPopup();
    const renew = popup.getByRole('button', { name: 'Renew Main Campus in Addigy' });
    await renew.waitFor({ timeout: 30_000 });
    await composeStoreShot(session, await apple.screenshot(), await popupImage(popup), `${OUT}/store-2-confirm.png`);

    await renew.click();
    await popup.getByRole('heading', { name: 'Renewed', exact: true }).waitFor({ timeout: 30_000 });
    expect(sandbox.consoleUploads().filter((u) => u.stage === 'saved')).toHaveLength(1);
    await composeStoreShot(session, await apple.screenshot(), await popupImage(popup), `${OUT}/store-3-renewed.png`);

    const options = await session.openOptions();
    await options.setViewportSize(STORE);
    await options.waitForFunction(() => (document.getElementById('api-key') as HTMLInputElement | null)?.value);
    await options.getByRole('button', { name: 'Test connection' }).click();
    await options.getByText(/Addigy lists \d+ Apple Apps tokens/).waitFor();
    await options.screenshot({ path: `${OUT}/store-4-options.png` });

    for (const name of ['store-1-send-to-addigy', 'store-2-confirm', 'store-3-renewed', 'store-4-options']) {
      expect(pngSize(`${OUT}/${name}.png`)).toEqual(STORE);
    }
    await Promise.all([apple.close(), popup.close(), options.close()]);
  });
});
