import { readdirSync, rmSync } from 'node:fs';
import { join } from 'node:path';
import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import type { Page } from 'puppeteer-core';
import { seedDistrict, type DistrictLocation, type Sandbox } from '../sandbox/index.mjs';
import { everyTokenHealthy, userActions } from '../e2e/harness.mjs';
import {
  TOKENS_HASH,
  button,
  closeFirefoxUnderTest,
  eventually,
  forgetRenewals,
  heading,
  openFirefoxUnderTest,
  saveApiKey,
  waitFor,
} from './harness.mjs';
import type { FirefoxSession } from './harness.mjs';

const ORG = 'Springfield District';

// Issue 22 in Firefox: the batch starts and renews two tokens. The district here has 3 locations, 2 due.
describe('Firefox: batch renewal of a district’s expiring tokens', () => {
  let sandbox: Sandbox;
  let session: FirefoxSession;
  let district: DistrictLocation[] = [];
  const pages: Page[] = [];

  beforeAll(async () => {
    ({ sandbox, session } = await openFirefoxUnderTest({
      seed: (state) => {
        everyTokenHealthy(state);
        district = seedDistrict(state, { count: 3, dueCount: 2 });
      },
    }));
    await saveApiKey(session, sandbox.apiKey);
  });
  afterAll(() => closeFirefoxUnderTest({ sandbox, session }));
  beforeEach(async () => {
    for (const page of pages.splice(0)) await page.close().catch(() => undefined);
    await forgetRenewals(session);
    sandbox.reset();
    for (const name of readdirSync(session.downloadsDir)) rmSync(join(session.downloadsDir, name), { force: true });
  });

  const track = (page: Page) => (pages.push(page), page);
  /** What the popup's batch progress bar says ("<k> of <n> renewed"). */
  const progress = (popup: Page) =>
    popup.evaluate(() => {
      // Named by aria-label, or by a label element (then the popup's only progress bar).
      const bars = [...document.querySelectorAll('progress, [role="progressbar"]')];
      const bar = bars.find((element) => element.getAttribute('aria-label') === 'Batch progress') ?? bars[0];
      if (!bar) return '';
      const described = (bar.getAttribute('aria-describedby') ?? '')
        .split(/\s+/)
        .map((id) => (id ? document.getElementById(id)?.textContent ?? '' : ''))
        .join(' ');
      return [bar.textContent, bar.getAttribute('aria-valuetext'), described].map((text) => (text ?? '').trim()).find(Boolean) ?? '';
    });

  it('starts from the popup and renews the two due tokens, each downloaded once, the third left alone', async () => {
    const actions = userActions();
    const apple = track(await session.browser.newPage());
    await apple.goto(`https://school.apple.com/${TOKENS_HASH}`);
    await waitFor(apple, `::-p-xpath(//tr[contains(., ${JSON.stringify(district[2]!.locationName)})]//button[normalize-space()="Download"])`, 30_000);

    let popup!: Page;
    await actions.do('open the popup', async () => {
      popup = track(await session.openPopup());
    });
    const start = await waitFor(popup, button(`Renew all 2 expiring in ${ORG}`), 30_000);
    await actions.do('Renew all 2 expiring', () => start.click());
    await waitFor(popup, heading('Renew 2 tokens'), 30_000);
    expect(sandbox.tokenDownloads()).toHaveLength(0);
    const yes = await waitFor(popup, button('Renew all 2'));
    await actions.do('Renew all 2', () => yes.click());

    await eventually(async () => (await progress(popup)) === '2 of 2 renewed', 180_000, 'the popup saying 2 of 2 renewed');
    for (const location of district.filter((candidate) => candidate.due)) {
      expect(sandbox.tokenDownloads(location.uId), location.locationName).toHaveLength(1);
      const saves = sandbox.consoleSaves(location.uId);
      expect(saves, location.locationName).toHaveLength(1);
      expect(saves[0]!.text).toBe(sandbox.appleFile(location.uId));
    }
    expect(sandbox.tokenDownloads(district[2]!.uId)).toHaveLength(0);
    expect(sandbox.consoleSaves()).toHaveLength(2);
    expect(actions.count).toBeLessThanOrEqual(3);
  }, 300_000);
});
