import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import type { Page } from 'playwright-core';
import type { Sandbox } from '../sandbox/index.mjs';
import {
  chooseTokenFile,
  closeBrowserUnderTest,
  detailValue,
  downloadTokenOnPage,
  eventually,
  openBrowserUnderTest,
  openTokensPage,
  renewalCard,
  RESTING_STEPS,
  screenshotRenewal,
  startCleanTest,
  storedRenewals,
} from './harness.mjs';
import type { ExtensionSession } from './harness.mjs';

// Issue 3: the extension knows which token this is, whether it is alive and where it belongs before Addigy is written to.
describe('token intelligence, in Chromium against the sandbox', () => {
  let sandbox: Sandbox;
  let session: ExtensionSession;
  const pages: Page[] = [];

  beforeAll(async () => ({ sandbox, session } = await openBrowserUnderTest({ saveKey: true })));
  afterAll(() => closeBrowserUnderTest({ sandbox, session }));
  beforeEach(() => startCleanTest({ sandbox, session, pages }));

  const openPopup = async () => {
    const popup = await session.openPopup();
    pages.push(popup);
    await popup.getByLabel('Have a .vpptoken file already?').waitFor();
    return popup;
  };
  const rootToken = (locationId: string) =>
    sandbox.state.addigyTokens.find((t) => t.locationId === locationId && !t.inheritedFrom)!;
  /** Addigy requests that carried this token file (the popup's token overview also lists tokens, without one). */
  const addigyRequestsWith = (text: string) => sandbox.addigyRequests((r) => r.body.includes(text.trim()));
  /** What Addigy's console was handed (`preview`: up to its confirmation window; `saved`: its Save). */
  const uploadsOf = (text: string) => sandbox.consoleUploads().filter((u) => u.text.trim() === text.trim());
  const saves = () => sandbox.consoleUploads().filter((u) => u.stage === 'saved');

  it('refuses a token Apple revoked (9625 in an HTTP 200 body) and sends Addigy nothing', async () => {
    const page = await openTokensPage(session);
    pages.push(page);
    // Two downloads in a row, the second revoking the first, as on Apple's real page: the first one the admin
    // kept from earlier (minted here without the extension seeing it), the second clicked on the page now.
    const earlier = sandbox.mintToken('LOC-1001');
    const first = { name: 'sToken_for_Main Campus (1).vpptoken', text: earlier };
    const second = await downloadTokenOnPage(session, page, 'Main Campus');
    expect(second.text).not.toBe(first.text);
    // The page's capture is worked through (to Addigy's confirmation) before the admin brings the older file.
    await eventually(async () => {
      const records = await storedRenewals(session);
      return records.length > 0 && records.every((r) => RESTING_STEPS.includes(r.step));
    }, 30_000);

    const popup = await openPopup();
    const mark = sandbox.requests.length;
    await chooseTokenFile(popup, first.name, first.text);
    const card = renewalCard(popup, 'Not renewed');
    await card.waitFor({ timeout: 30_000 });
    const alert = await card.getByRole('alert').textContent();
    expect(alert).toContain('revoked');
    expect(alert).toMatch(/newer token was downloaded/);
    expect(await card.textContent()).toMatch(/What to do:.*Download a fresh token/);
    // A dead token cannot be retried into Addigy.
    expect(await card.getByRole('button', { name: 'Retry' }).count()).toBe(0);
    await screenshotRenewal(popup, card, '.output/e2e/popup-revoked.png');

    const apple = sandbox.requests.slice(mark).filter((r) => r.host === 'vpp.itunes.apple.com');
    expect(apple).toHaveLength(1);
    expect(apple[0]).toMatchObject({ method: 'GET', path: '/mdm/v2/client/config', status: 200 });
    expect(apple[0]!.headers.authorization).toBe(`Bearer ${first.text.trim()}`);
    const afterApple = (r: { at: number }) => r.at >= apple[0]!.at;
    expect(uploadsOf(first.text)).toHaveLength(0);
    expect(addigyRequestsWith(first.text).filter(afterApple)).toHaveLength(0);
    // Nobody confirmed anything in this test: nothing was saved in Addigy.
    expect(saves()).toHaveLength(0);

    // Dismissed, the failure makes way for the newer download, which still waits for the admin's yes.
    await card.getByRole('button', { name: 'Dismiss' }).click();
    const pending = renewalCard(popup, 'Confirm the renewal');
    await pending.getByRole('button', { name: /^Renew Main Campus in Addigy/ }).waitFor();
    expect(await detailValue(pending, 'Name')).toBe('Main Campus');
    expect(saves()).toHaveLength(0);
  });

  it('relays nothing for a token whose location Addigy does not know, and says so', async () => {
    const popup = await openPopup();
    const text = sandbox.tokenFor('LOC-3001');
    await chooseTokenFile(popup, 'sToken_for_Satellite Office.vpptoken', text);
    const card = renewalCard(popup, 'Not renewed');
    await card.waitFor({ timeout: 30_000 });
    expect(await card.getByRole('alert').textContent()).toContain('does not match');
    // The way forward: a new token in Addigy and a licence transfer.
    expect(await card.textContent()).toMatch(/What to do:.*create a new Apple Apps token.*transfer the app licences/i);
    expect(await card.getByRole('button', { name: 'Retry' }).count()).toBe(0);
    await screenshotRenewal(popup, card, '.output/e2e/popup-mismatch.png');

    // Apple was asked (it knows the location); Addigy's list was read, and nothing else was sent.
    expect(sandbox.appleRequests().map((r) => r.status)).toEqual([200]);
    expect(sandbox.addigyRequests('list-tokens').length).toBeGreaterThan(0);
    expect(sandbox.consoleUploads()).toHaveLength(0);
    expect(addigyRequestsWith(text)).toHaveLength(0);
  });

  it('warns about a location another MDM holds and hands nothing to Addigy before the extra yes', async () => {
    const otherMdm = sandbox.state.locations.find((l) => l.uId === 'LOC-1003')!.mdmInfo!.name;
    expect(otherMdm).not.toMatch(/addigy/i);
    const consoleTabs = () => session.context.pages().filter((p) => p.url().startsWith('https://app.addigy.com')).length;
    const tabsBefore = consoleTabs();
    const popup = await openPopup();
    const text = sandbox.tokenFor('LOC-1003');
    await chooseTokenFile(popup, 'sToken_for_Design Studio.vpptoken', text);

    const gate = renewalCard(popup, 'Another MDM uses this location');
    const proceed = gate.getByRole('button', { name: 'Continue in Addigy' });
    await proceed.waitFor({ timeout: 30_000 });
    expect(await gate.getByRole('alert').textContent()).toContain(`in use by another MDM (${otherMdm})`);
    expect(await proceed.isDisabled()).toBe(true);
    // A click on the disabled button does nothing.
    await proceed.click({ force: true });
    const override = gate.getByRole('checkbox', { name: new RegExp(`move this location from ${otherMdm} to Addigy`) });
    expect(await override.isChecked()).toBe(false);
    // Not even Addigy's console has seen the file yet.
    expect(sandbox.consoleUploads()).toHaveLength(0);
    expect(consoleTabs()).toBe(tabsBefore);

    await override.check();
    await proceed.click();
    const card = renewalCard(popup, 'Confirm the renewal');
    const renew = card.getByRole('button', { name: /^Renew Design Studio in Addigy/ });
    await renew.waitFor({ timeout: 30_000 });
    expect(await card.textContent()).toContain(`in use by another MDM (${otherMdm})`);
    await renew.click();
    await renewalCard(popup, 'Renewed').waitFor({ timeout: 30_000 });

    expect(saves()).toHaveLength(1);
    expect(saves()[0]).toMatchObject({ locationId: 'loc-design' });
    expect(saves()[0]!.text.trim()).toBe(text.trim());
    expect(rootToken('loc-design').tokenText).toBe(text.trim());
  });

  it('shows the details of Addigy’s confirmation window for a valid token, and saves nothing yet', async () => {
    const popup = await openPopup();
    const text = sandbox.tokenFor('LOC-1001');
    await chooseTokenFile(popup, 'sToken_for_Main Campus.vpptoken', text);
    const card = renewalCard(popup, 'Confirm the renewal');
    await card.getByRole('button', { name: /^Renew Main Campus in Addigy/ }).waitFor({ timeout: 30_000 });

    const main = rootToken('loc-main');
    expect(await detailValue(card, 'ID number')).toBe(main.idNumber);
    expect(await detailValue(card, 'Name')).toBe(main.clientConfig.locationName);
    expect(await detailValue(card, 'Apple ID')).toBe(main.appleId);
    expect(await detailValue(card, 'Organization')).toBe(main.orgName);
    expect(await detailValue(card, 'Expires')).toMatch(/\d{4}/);
    await card.getByText('Apple confirmed this token is valid.').waitFor();
    // Nothing disagrees, so no warning stands before the Renew button.
    expect(await card.getByRole('note').count()).toBe(0);
    await screenshotRenewal(popup, card, '.output/e2e/popup-confirmation.png');

    expect(sandbox.appleRequests()).toHaveLength(1);
    const previews = uploadsOf(text);
    expect(previews).toHaveLength(1);
    expect(previews[0]).toMatchObject({ stage: 'preview', locationId: 'loc-main', fileName: 'sToken_for_Main Campus.vpptoken' });

    await card.getByRole('button', { name: 'Cancel' }).click();
    await eventually(async () => (await storedRenewals(session))[0]?.step === 'discarded');
    expect(saves()).toHaveLength(0);
  });

  it('goes on without Apple when Apple cannot be reached, says so, and Addigy’s confirmation still gates', async () => {
    sandbox.faults.apple({ status: 503, times: 10 });
    const popup = await openPopup();
    const text = sandbox.tokenFor('LOC-1001');
    await chooseTokenFile(popup, 'sToken_for_Main Campus.vpptoken', text);
    // Apple's 503s are retried with back-off, and the popup says so meanwhile.
    await renewalCard(popup, 'Checking the token…').getByText(/Retrying/).waitFor({ timeout: 15_000 });

    const card = renewalCard(popup, 'Confirm the renewal');
    const renew = card.getByRole('button', { name: /^Renew Main Campus in Addigy/ });
    await renew.waitFor({ timeout: 30_000 });
    expect(await card.textContent()).toMatch(/Apple is receiving too many requests right now.*so the token was not checked/);
    // Without Apple's identifier the match rests on names, and the popup says it is weaker.
    expect(await card.textContent()).toMatch(/by location and organisation name only/);
    expect(await card.getByText('Apple confirmed this token is valid.').count()).toBe(0);

    const apple = sandbox.appleRequests();
    expect(apple.length).toBeGreaterThan(1);
    expect(apple.length).toBeLessThan(10);
    expect(apple.every((r) => r.status === 503)).toBe(true);
    expect(saves()).toHaveLength(0);

    await renew.click();
    await renewalCard(popup, 'Renewed').waitFor({ timeout: 30_000 });
    expect(saves()).toHaveLength(1);
    expect(saves()[0]).toMatchObject({ locationId: 'loc-main' });
    expect(saves()[0]!.text.trim()).toBe(text.trim());
  });
});
