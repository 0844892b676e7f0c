import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import type { Page } from 'playwright-core';
import {
  FLEET_API_TOKEN,
  FLEET_HOST,
  INTUNE_CLIENT_ID,
  INTUNE_TENANT_ID,
  JAMF_CLIENT_ID,
  JAMF_CLIENT_SECRET,
  JAMF_HOST,
  MS_GRAPH_HOST,
  MS_LOGIN_HOST,
  type Sandbox,
} from '../sandbox/index.mjs';
import {
  allowSitesInBrowserSettings,
  axeViolations,
  closeBrowserUnderTest,
  detailValue,
  downloadedFiles,
  eventually,
  everyTokenHealthy,
  openBrowserUnderTest,
  openTokensPage,
  renewalCard,
  startCleanTest,
  storedRenewals,
} from './harness.mjs';
import type { ExtensionSession } from './harness.mjs';

type ConnectionFields = Partial<Record<'Name' | 'Server URL' | 'API key' | 'Client ID' | 'Client secret' | 'API token' | 'Tenant ID', string>>;

// Issue 13: Jamf Pro, Intune and Fleet renew through their own documented APIs; Addigy is one kind of connection.
describe('other MDMs and many connections, in Chromium against the sandbox', () => {
  let sandbox: Sandbox;
  let session: ExtensionSession;
  const pages: Page[] = [];

  beforeAll(async () => {
    ({ sandbox, session } = await openBrowserUnderTest({ seed: everyTokenHealthy }));
    // The admin allowed these sites in the browser's settings beforehand: Options' request then resolves without
    // the browser's prompt (native UI, which a headless browser cannot click).
    await allowSitesInBrowserSettings(session, [`https://${JAMF_HOST}/*`, `https://${FLEET_HOST}/*`, `https://${MS_LOGIN_HOST}/*`, `https://${MS_GRAPH_HOST}/*`]);
  });
  afterAll(() => closeBrowserUnderTest({ sandbox, session }));
  beforeEach(async () => {
    await startCleanTest({ sandbox, session, pages, clearDownloads: true });
    await removeEveryConnection();
  });

  async function options(): Promise<Page> {
    const page = await session.openOptions();
    pages.push(page);
    await page.getByRole('heading', { name: 'Connections' }).waitFor();
    return page;
  }

  /** Options → Add connection, as an admin fills it in. */
  async function addConnection(mdm: string, fields: ConnectionFields): Promise<Page> {
    const page = await options();
    await page.getByRole('button', { name: 'Add connection' }).click();
    const form = page.getByRole('form', { name: 'Add connection' });
    await form.getByLabel('MDM').selectOption({ label: mdm });
    for (const [label, value] of Object.entries(fields)) await form.getByLabel(label, { exact: true }).fill(value!);
    await form.getByRole('button', { name: 'Save' }).click();
    await page.getByText(`Saved ${fields.Name}.`, { exact: false }).waitFor();
    return page;
  }

  /** No connection left from the last test: the Addigy section's key emptied, every added connection removed. */
  async function removeEveryConnection() {
    const page = await session.openOptions();
    await page.getByRole('heading', { name: 'Connections' }).waitFor();
    await page.getByLabel('API key', { exact: true }).fill('');
    await page.getByRole('button', { name: 'Save', exact: true }).click();
    await page.getByText('Saved.').waitFor();
    // The list loads from IndexedDB just after the heading.
    await page.waitForTimeout(200);
    while ((await page.getByRole('button', { name: 'Remove' }).count()) > 0) {
      await page.getByRole('button', { name: 'Remove' }).first().click();
      await page.getByText(/^Removed /).first().waitFor();
    }
    await page.close();
  }

  /** Click 1: the in-page button beside a location on Apple's Content Tokens page; it must say `label`. */
  async function sendFromApple(location: string, label: string, site: 'business' | 'school' = 'business'): Promise<Page> {
    const page = site === 'business' ? await openTokensPage(session) : await session.context.newPage();
    if (site === 'school') await page.goto('https://school.apple.com/#/main/preferences/paymentsandbilling/appsandbooks');
    pages.push(page);
    const button = page.getByRole('row', { name: new RegExp(location) }).getByRole('button', { name: /^Send to / });
    await button.waitFor();
    expect(await button.textContent()).toBe(label);
    expect(await button.getAttribute('aria-label')).toBe(`${label}: ${location}`);
    await button.click();
    return page;
  }

  async function popupPage(): Promise<Page> {
    const popup = await session.openPopup();
    pages.push(popup);
    return popup;
  }

  /** The .vpptoken the Apple page gave the browser, as saved in Downloads. */
  async function downloadedToken(): Promise<string> {
    return eventually(() => [...downloadedFiles(session.downloadsDir)].find(([name]) => name.endsWith('.vpptoken'))?.[1].trim());
  }

  it('Jamf Pro: Test connection, then one click on Apple’s page and one confirmation reach Jamf’s renew call with the exact file and Jamf’s bearer token', async () => {
    const page = await addConnection('Jamf Pro', {
      Name: 'Jamf Pro (Acme)',
      'Server URL': `https://${JAMF_HOST}`,
      'Client ID': JAMF_CLIENT_ID,
      'Client secret': JAMF_CLIENT_SECRET,
    });
    const card = page.getByRole('region', { name: 'Jamf Pro (Acme)' });
    await card.getByRole('button', { name: 'Test connection' }).click();
    await card.getByText('Connected. Jamf Pro lists 2 Apps and Books tokens.').waitFor();
    // Options with a connection and the add form open passes axe, light and dark.
    await page.getByRole('button', { name: 'Add connection' }).click();
    expect(await axeViolations(page), 'Options with connections').toEqual([]);
    await page.emulateMedia({ colorScheme: 'dark' });
    expect(await axeViolations(page), 'Options with connections, dark').toEqual([]);
    await page.screenshot({ path: '.output/e2e/options-connections-dark.png', fullPage: true });
    await page.emulateMedia({ colorScheme: 'light' });
    await page.screenshot({ path: '.output/e2e/options-connections.png', fullPage: true });

    let userActions = 0;
    // With Jamf Pro the only connection, the button names it.
    await sendFromApple('Design Studio', 'Send to Jamf Pro');
    userActions++;
    const popup = await popupPage();
    const confirm = renewalCard(popup, 'Confirm the renewal');
    const renew = confirm.getByRole('button', { name: 'Renew Design Studio in Jamf Pro (Acme)' });
    await renew.waitFor({ timeout: 30_000 });
    expect(await detailValue(confirm, 'ID number')).toBe('1');
    expect(await detailValue(confirm, 'Apple ID')).toBe('apple-admin@acme.example');
    expect(await detailValue(confirm, 'Organization')).toBe('Acme Corp');
    expect(await confirm.textContent()).toContain('matched to the Jamf Pro (Acme) token by location and organisation name'.replace(/^m/, 'M'));
    expect(sandbox.jamf.uploads).toHaveLength(0);
    await popup.screenshot({ path: '.output/e2e/popup-jamf-confirmation.png' });
    expect(await axeViolations(popup), 'the Jamf Pro confirmation').toEqual([]);

    await renew.click();
    userActions++;
    const done = renewalCard(popup, 'Renewed');
    await done.waitFor({ timeout: 60_000 });
    expect(await done.textContent()).toContain('Design Studio is renewed in Jamf Pro (Acme)');

    const file = await downloadedToken();
    expect(sandbox.jamf.uploads).toHaveLength(1);
    const [upload] = sandbox.jamf.uploads;
    expect(upload!.tokenId).toBe('1');
    expect(upload!.text).toBe(file);
    const patch = sandbox.requestsTo(JAMF_HOST).find((r) => r.method === 'PATCH')!;
    expect(patch.headers['content-type']).toBe('application/merge-patch+json');
    expect(JSON.parse(patch.body)).toEqual({ serviceToken: file });
    expect(patch.headers.authorization).toMatch(/^Bearer \S+$/);
    // The bearer came from Jamf's token endpoint, for this API client.
    const tokenCall = sandbox.requestsTo(JAMF_HOST).find((r) => r.path === '/api/oauth/token')!;
    expect(new URLSearchParams(tokenCall.body).get('client_id')).toBe(JAMF_CLIENT_ID);
    expect(tokenCall.body).toContain('grant_type=client_credentials');
    // Secrets went only to Jamf: nothing reached Addigy, the token reached Apple once for its check.
    expect(sandbox.addigyRequests()).toHaveLength(0);
    expect(sandbox.requests.filter((r) => r.body.includes(JAMF_CLIENT_SECRET) && r.host !== JAMF_HOST)).toHaveLength(0);
    expect(userActions).toBe(2);
    const [record] = await storedRenewals(session);
    expect(record).toMatchObject({ step: 'done', match: { kind: 'jamf-pro', connectionName: 'Jamf Pro (Acme)' } });
  });

  it('Fleet: renews with a multipart upload carrying the file, with the API token; Fleet Free is explained in plain words', async () => {
    const page = await addConnection('Fleet', { Name: 'Fleet HQ', 'Server URL': `https://${FLEET_HOST}`, 'API token': FLEET_API_TOKEN });
    const card = page.getByRole('region', { name: 'Fleet HQ' });
    sandbox.fleet.premium = false;
    await card.getByRole('button', { name: 'Test connection' }).click();
    await card.getByText(/Fleet Free/).waitFor();
    expect(await card.getByRole('status').textContent()).toMatch(/Fleet Premium/);
    sandbox.fleet.premium = true;

    await sendFromApple('Satellite Office', 'Send to Fleet');
    const popup = await popupPage();
    const renew = renewalCard(popup, 'Confirm the renewal').getByRole('button', { name: 'Renew Satellite Office in Fleet HQ' });
    await renew.waitFor({ timeout: 30_000 });
    await renew.click();
    await renewalCard(popup, 'Renewed').waitFor({ timeout: 60_000 });

    const file = await downloadedToken();
    expect(sandbox.fleet.uploads.map((u) => [u.tokenId, u.text])).toEqual([['7', file]]);
    const renewCall = sandbox.requestsTo(FLEET_HOST).find((r) => r.method === 'PATCH')!;
    expect(renewCall.path).toBe('/api/v1/fleet/vpp_tokens/7/renew');
    expect(renewCall.headers['content-type']).toMatch(/^multipart\/form-data; boundary=/);
    expect(renewCall.headers.authorization).toBe(`Bearer ${FLEET_API_TOKEN}`);
  });

  it('Intune: Sign in with Microsoft runs the PKCE code flow through launchWebAuthFlow, then the renewal reaches Graph and syncs', async () => {
    const page = await addConnection('Microsoft Intune', { Name: 'Intune', 'Tenant ID': INTUNE_TENANT_ID, 'Client ID': INTUNE_CLIENT_ID });
    const card = page.getByRole('region', { name: 'Intune' });
    await card.getByRole('button', { name: 'Sign in with Microsoft' }).click();
    await card.getByText('Signed in with Microsoft.').waitFor({ timeout: 30_000 });
    // The code was exchanged with the verifier whose S256 challenge went to the authorize endpoint.
    expect(sandbox.microsoft.signIns.filter((s) => s.pkceMatched === true)).toHaveLength(1);
    expect(sandbox.microsoft.signIns.some((s) => s.pkceMatched === false)).toBe(false);
    expect(sandbox.microsoft.redirectUris).toEqual([`https://${session.extensionId}.chromiumapp.org/`]);

    await sendFromApple('Satellite Office', 'Send to Microsoft Intune');
    const popup = await popupPage();
    const renew = renewalCard(popup, 'Confirm the renewal').getByRole('button', { name: 'Renew Satellite Office in Intune' });
    await renew.waitFor({ timeout: 30_000 });
    await renew.click();
    await renewalCard(popup, 'Renewed').waitFor({ timeout: 60_000 });

    const file = await downloadedToken();
    expect(sandbox.microsoft.uploads.map((u) => [u.tokenId, u.text])).toEqual([['vpp-0001', file]]);
    const graph = sandbox.requestsTo(MS_GRAPH_HOST);
    const patch = graph.find((r) => r.method === 'PATCH')!;
    expect(JSON.parse(patch.body)).toEqual({ token: file });
    expect(patch.headers.authorization).toMatch(/^Bearer \S+$/);
    expect(graph.some((r) => r.method === 'POST' && r.path.endsWith('/vppTokens/vpp-0001/syncLicenses'))).toBe(true);
  });

  it('Jamf Pro busy, then refusing the API client: retried after Retry-After, then said in plain words with Options to fix it; the token is kept', async () => {
    await addConnection('Jamf Pro', { Name: 'Jamf Pro', 'Server URL': `https://${JAMF_HOST}`, 'Client ID': JAMF_CLIENT_ID, 'Client secret': JAMF_CLIENT_SECRET });
    sandbox.jamf.faults.push({ route: 'renew', status: 429, retryAfter: 1, times: 1 });
    sandbox.jamf.faults.push({ route: 'renew', status: 403, times: 1 });
    await sendFromApple('Design Studio', 'Send to Jamf Pro');
    const popup = await popupPage();
    const renew = renewalCard(popup, 'Confirm the renewal').getByRole('button', { name: 'Renew Design Studio in Jamf Pro' });
    await renew.waitFor({ timeout: 30_000 });
    await renew.click();
    const failed = renewalCard(popup, 'Not renewed');
    await failed.waitFor({ timeout: 30_000 });
    expect(await failed.textContent()).toMatch(/Jamf Pro accepted the credentials, but they do not have permission|privileges/);
    await failed.getByRole('button', { name: 'Open Options' }).waitFor();
    const renewCalls = sandbox.requestsTo(JAMF_HOST).filter((r) => r.method === 'PATCH');
    expect(renewCalls.map((r) => r.status)).toEqual([429, 403]);
    expect(renewCalls[1]!.at - renewCalls[0]!.at).toBeGreaterThanOrEqual(900);
    expect(sandbox.jamf.uploads).toHaveLength(0);

    // The API role fixed in Jamf Pro: Retry sends the same file, which Token Relay still holds.
    await failed.getByRole('button', { name: 'Retry' }).click();
    await renewalCard(popup, 'Renewed').waitFor({ timeout: 60_000 });
    expect(sandbox.jamf.uploads.map((u) => u.text)).toEqual([await downloadedToken()]);
  });

  it('MSP: a token of the second Addigy organisation goes to the second connection, and only its key follows the renewal', async () => {
    const FIRST = sandbox.apiKey;
    const SECOND = 'springfield-api-key-0002';
    sandbox.addigyOrgs({ [FIRST]: ['Acme Corp'], [SECOND]: ['Springfield Schools'] });
    const page = await options();
    await page.getByLabel('API key', { exact: true }).fill(FIRST);
    await page.getByRole('button', { name: 'Save', exact: true }).click();
    await page.getByText('Saved.').waitFor();
    await addConnection('Addigy', { Name: 'Springfield Schools', 'API key': SECOND });

    // Two Addigy organisations: still Addigy.
    await sendFromApple('North High', 'Send to Addigy', 'school');
    const popup = await popupPage();
    const renew = renewalCard(popup, 'Confirm the renewal').getByRole('button', { name: 'Renew North High in Springfield Schools' });
    await renew.waitFor({ timeout: 30_000 });
    const confirmedAt = Date.now();
    await renew.click();
    await renewalCard(popup, 'Renewed').waitFor({ timeout: 60_000 });

    const saved = sandbox.consoleUploads().filter((u) => u.stage === 'saved');
    expect(saved.map((u) => u.locationId)).toEqual(['loc-north']);
    expect(saved[0]!.text.trim()).toBe(await downloadedToken());
    const [record] = await storedRenewals(session);
    expect(record?.match).toMatchObject({ connectionName: 'Springfield Schools', kind: 'addigy' });
    // The renewal's own reads after the confirmation (Addigy's rescan) use the second key only; the token watch,
    // which looks at every connection once the renewal is done, comes after.
    const doneAt = Date.parse(record!.updatedAt);
    const scans = sandbox.addigyRequests('list-tokens').filter((r) => r.at >= confirmedAt && r.at <= doneAt);
    expect(scans.length).toBeGreaterThan(0);
    expect(new Set(scans.map((r) => r.headers['x-api-key']))).toEqual(new Set([SECOND]));
  });

  it('ambiguous match: Addigy and Jamf Pro both hold Design Studio; the popup asks the admin to pick and sends nothing before', async () => {
    const page = await options();
    await page.getByLabel('API key', { exact: true }).fill(sandbox.apiKey);
    await page.getByRole('button', { name: 'Save', exact: true }).click();
    await page.getByText('Saved.').waitFor();
    await addConnection('Jamf Pro', { Name: 'Jamf Pro', 'Server URL': `https://${JAMF_HOST}`, 'Client ID': JAMF_CLIENT_ID, 'Client secret': JAMF_CLIENT_SECRET });

    // Addigy and Jamf Pro: several MDMs.
    await sendFromApple('Design Studio', 'Send to MDM');
    const popup = await popupPage();
    const chooser = renewalCard(popup, 'Which token does this file renew?');
    await chooser.waitFor({ timeout: 30_000 });
    const choices = chooser.getByRole('radio');
    expect(await choices.count()).toBe(2);
    await popup.screenshot({ path: '.output/e2e/popup-pick-connection.png' });
    expect(await axeViolations(popup), 'the pick among connections').toEqual([]);
    await popup.emulateMedia({ colorScheme: 'dark' });
    expect(await axeViolations(popup), 'the pick among connections, dark').toEqual([]);
    await popup.emulateMedia({ colorScheme: 'light' });
    // Nothing went anywhere before the pick: no Addigy tab, no Jamf upload.
    await popup.waitForTimeout(1_000);
    expect(session.context.pages().some((p) => p.url().startsWith('https://app.addigy.com'))).toBe(false);
    expect(sandbox.jamf.uploads).toHaveLength(0);
    expect(sandbox.consoleUploads()).toHaveLength(0);

    await chooser.getByRole('radio', { name: /^Jamf Pro: Design Studio/ }).check();
    await chooser.getByRole('button', { name: 'Continue' }).click();
    const renew = renewalCard(popup, 'Confirm the renewal').getByRole('button', { name: 'Renew Design Studio in Jamf Pro' });
    await renew.waitFor({ timeout: 30_000 });
    expect(sandbox.jamf.uploads).toHaveLength(0);
    await renew.click();
    await renewalCard(popup, 'Renewed').waitFor({ timeout: 60_000 });
    expect(sandbox.jamf.uploads).toHaveLength(1);
    expect(sandbox.consoleUploads()).toHaveLength(0);
  });

  it('Jamf Pro: a location another server holds is taken over through Jamf’s reclaim after the extra yes, then renewed', async () => {
    await addConnection('Jamf Pro', { Name: 'Jamf Pro', 'Server URL': `https://${JAMF_HOST}`, 'Client ID': JAMF_CLIENT_ID, 'Client secret': JAMF_CLIENT_SECRET });
    sandbox.jamf.locations[0]!.clientContextMismatch = true;
    await sendFromApple('Design Studio', 'Send to Jamf Pro');
    const popup = await popupPage();
    const confirm = renewalCard(popup, 'Confirm the renewal');
    const takeOver = confirm.getByRole('button', { name: 'Take over and renew' });
    await takeOver.waitFor({ timeout: 30_000 });
    expect(await takeOver.isDisabled()).toBe(true);
    await confirm.getByRole('checkbox', { name: /Yes, move this location from another MDM server to Jamf Pro/ }).check();
    await takeOver.click();
    await renewalCard(popup, 'Renewed').waitFor({ timeout: 60_000 });
    expect(sandbox.jamf.reclaims.map((r) => r.id)).toEqual(['1']);
    expect(sandbox.jamf.uploads).toHaveLength(1);
    const writes = sandbox.requestsTo(JAMF_HOST).filter((r) => r.method === 'PATCH' || r.path.endsWith('/reclaim'));
    expect(writes.map((r) => r.method)).toEqual(['POST', 'PATCH']);
  });
});
