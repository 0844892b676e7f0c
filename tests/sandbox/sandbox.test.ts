// @vitest-environment node
import { request } from 'node:https';
import { Window } from 'happy-dom';
import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import {
  APPLE_APPS_LABELS,
  CANCEL_LABELS,
  CELL_SELECTOR,
  CONFIRMATION_LABELS,
  DIALOG_SELECTOR,
  DROP_ZONE_TEXT,
  ERROR_BOX_SELECTOR,
  ERROR_TEXT,
  INTEGRATIONS_TAB_LABELS,
  INTEGRATIONS_TAB_OLDER_LABELS,
  LOCATION_LABELS,
  RENEW_LABELS,
  ROW_SELECTOR,
  SAVE_LABELS,
  SCAN_NOW_LABELS,
  consolePolicyUrl,
  normaliseLabel,
} from '../../lib/addigy-console/page-knowledge';
import {
  EXPIRED_SCAN_ERROR,
  IDENTIFIER_MISMATCH_ERROR,
  REVOKED_SCAN_ERROR,
  SESSION_COOKIE,
  SYNC_ERROR,
  decodeVppTokenText,
  makeVppTokenText,
  seedDistrict,
  startSandbox,
  type DistrictLocation,
  type Sandbox,
} from './index.mjs';

interface Answer {
  status: number;
  headers: Record<string, string | string[] | undefined>;
  text: string;
  json(): any;
}

let sandbox: Sandbox;

/** Real HTTPS to 127.0.0.1 with the real host name as SNI and Host, like Chromium with host-resolver-rules. */
function call(
  host: string,
  method: string,
  path: string,
  { headers = {}, body, timeoutMs = 5_000, port = sandbox.port }: { headers?: Record<string, string>; body?: unknown; timeoutMs?: number; port?: number } = {},
): Promise<Answer> {
  const payload = body === undefined ? undefined : typeof body === 'string' ? body : JSON.stringify(body);
  return new Promise((resolve, reject) => {
    const req = request(
      {
        host: '127.0.0.1',
        port,
        method,
        path,
        servername: host,
        rejectUnauthorized: false,
        agent: false,
        timeout: timeoutMs,
        headers: { host, ...(payload === undefined ? {} : { 'content-type': 'application/json' }), ...headers },
      },
      (res) => {
        const chunks: Buffer[] = [];
        res.on('data', (chunk: Buffer) => chunks.push(chunk));
        res.on('end', () => {
          const text = Buffer.concat(chunks).toString('utf8');
          resolve({ status: res.statusCode ?? 0, headers: res.headers, text, json: () => JSON.parse(text) });
        });
      },
    );
    req.on('timeout', () => req.destroy(new Error('timeout')));
    req.on('error', reject);
    req.end(payload);
  });
}

const addigy = (method: string, path: string, body: unknown = {}, key: string | null = sandbox.apiKey) =>
  call('api.addigy.com', method, `/api/v2${path}`, { body, headers: key === null ? {} : { 'x-api-key': key } });
const listTokens = (policyIds: string[] = []) => addigy('POST', '/oa/apps-and-books/tokens/policies/query', { policy_ids: policyIds });
const consoleCall = (method: string, path: string, { body, cookie }: { body?: unknown; cookie?: string } = {}) =>
  call('app.addigy.com', method, path, { body, headers: cookie ? { cookie } : {} });
const consolePreview = (locationId: string, token: string, policyId = 'pol-root') =>
  consoleCall('POST', '/sandbox-console/api/renew/preview', { body: { policyId, locationId, fileName: 'sToken_for_x.vpptoken', token } });
const consoleSave = (locationId: string, token: string, policyId = 'pol-root') =>
  consoleCall('POST', '/sandbox-console/api/renew', { body: { policyId, locationId, fileName: 'sToken_for_x.vpptoken', token } });
/** Both Saves, as the console's Renew window and confirmation window make them. */
const renewInConsole = async (locationId: string, token: string, policyId = 'pol-root') => {
  const preview = await consolePreview(locationId, token, policyId);
  return preview.status === 200 ? consoleSave(locationId, token, policyId) : preview;
};
const expiryOf = (text: string) => new Date(Date.parse((decodeVppTokenText(text)?.expDate ?? '').replace('+0000', 'Z'))).toISOString();
const appleConfig = (authorization?: string) =>
  call('vpp.itunes.apple.com', 'GET', '/mdm/v2/client/config', { headers: authorization === undefined ? {} : { authorization } });
const tokensOf = async (locationId: string) =>
  ((await listTokens()).json() as Array<Record<string, any>>).filter((token) => token.locationId === locationId);

beforeAll(async () => {
  sandbox = await startSandbox();
});
afterAll(async () => {
  await sandbox.close();
});
beforeEach(() => {
  sandbox.reset();
});

describe('startSandbox', () => {
  it('listens on 127.0.0.1 and maps every host to that port', () => {
    expect(sandbox.port).toBeGreaterThan(0);
    expect(sandbox.origin('business.apple.com')).toBe('https://business.apple.com');
    expect(sandbox.hostResolverRules).toBe(
      [
        'business.apple.com', 'school.apple.com', 'api.addigy.com', 'vpp.itunes.apple.com', 'app.addigy.com', 'login.addigy.com',
        'acme.jamfcloud.com', 'fleet.acme-corp.net', 'login.microsoftonline.com', 'graph.microsoft.com',
      ]
        .map((host) => `MAP ${host} 127.0.0.1:${sandbox.port}`)
        .join(', '),
    );
  });

  it('serves a certificate whose names cover every host', async () => {
    const names = await new Promise<string>((resolve, reject) => {
      const req = request(
        { host: '127.0.0.1', port: sandbox.port, path: '/', servername: 'api.addigy.com', rejectUnauthorized: false, agent: false, headers: { host: 'api.addigy.com' } },
        (res) => {
          resolve(String((res.socket as import('node:tls').TLSSocket).getPeerCertificate().subjectaltname));
          res.resume();
        },
      );
      req.on('error', reject);
      req.end();
    });
    for (const host of ['business.apple.com', 'school.apple.com', 'api.addigy.com', 'vpp.itunes.apple.com', 'app.addigy.com', 'login.addigy.com']) {
      expect(names).toContain(`DNS:${host}`);
    }
  });

  it('makes token files that decode to Apple\'s three fields plus extras', () => {
    const text = makeVppTokenText({ token: 'abc', orgName: 'Acme Corp', expDate: '2030-11-08T22:33:22+0000', extra: 1 });
    expect(JSON.parse(Buffer.from(text, 'base64').toString('utf8'))).toEqual({
      token: 'abc',
      expDate: '2030-11-08T22:33:22+0000',
      orgName: 'Acme Corp',
      extra: 1,
    });
  });
});

describe('Addigy: authentication and recording', () => {
  it('answers 401 without the right x-api-key, and records the attempt', async () => {
    const missing = await addigy('POST', '/oa/apps-and-books/tokens/policies/query', { policy_ids: [] }, null);
    const wrong = await addigy('POST', '/oa/apps-and-books/tokens/policies/query', { policy_ids: [] }, 'nope');
    expect(missing.status).toBe(401);
    expect(wrong.status).toBe(401);
    expect(wrong.json()).toEqual({ code: 401, message: 'invalid api key' });
    const recorded = sandbox.addigyRequests('list-tokens');
    expect(recorded).toHaveLength(2);
    expect(recorded[1]).toMatchObject({ host: 'api.addigy.com', method: 'POST', path: '/api/v2/oa/apps-and-books/tokens/policies/query', status: 401 });
    expect(recorded[1]?.headers['x-api-key']).toBe('nope');
    expect(JSON.parse(recorded[1]?.body ?? '')).toEqual({ policy_ids: [] });
  });
});

describe('Addigy call 1: list tokens', () => {
  it('returns every token with public fields only, the inherited copy included', async () => {
    const answer = await listTokens();
    expect(answer.status).toBe(200);
    const tokens = answer.json() as Array<Record<string, any>>;
    expect(tokens.map((token) => token.locationId)).toEqual(['loc-main', 'loc-main', 'loc-warehouse', 'loc-north', 'loc-design']);
    expect(tokens[1]).toMatchObject({ policyId: 'pol-child', inheritedFrom: 'pol-root', clientConfig: { uId: 'LOC-1001' } });
    expect(tokens[0]).toMatchObject({
      policyId: 'pol-root',
      inheritedFrom: null,
      active: true,
      syncing: false,
      lastSyncingStatus: 'success',
      errMsg: null,
      orgName: 'Acme Corp',
      version: '3',
      clientConfig: { uId: 'LOC-1001', locationName: 'Main Campus', countryISO2ACode: 'US', defaultPlatform: 'volumestore', mdmInfo: { name: 'Addigy' } },
    });
    expect(typeof tokens[2]?.version).toBe('number');
    expect(tokens[4]?.clientConfig.mdmInfo.name).toBe('Jamf Pro');
    for (const token of tokens) {
      expect(token).not.toHaveProperty('appleId');
      expect(token).not.toHaveProperty('idNumber');
      expect(token).not.toHaveProperty('tokenText');
      expect(Date.parse(token.clientConfig.tokenExpirationDate)).toBeGreaterThan(Date.now());
      expect(token.expDate).toBe(token.clientConfig.tokenExpirationDate);
    }
    const daysLeft = (token: Record<string, any> | undefined) =>
      Math.round((Date.parse(token?.clientConfig.tokenExpirationDate) - Date.now()) / 86_400_000);
    expect(tokens.map(daysLeft)).toEqual([20, 20, 200, 5, 90]);
  });

  it('filters by policy_ids when the list is not empty', async () => {
    const tokens = (await listTokens(['pol-child'])).json() as Array<Record<string, any>>;
    expect(tokens).toHaveLength(1);
    expect(tokens[0]?.inheritedFrom).toBe('pol-root');
  });
});

describe('Addigy calls 2-4: not in Addigy\'s published API', () => {
  it('answers the guessed preview, renew and sync calls 404, records them, and changes nothing', async () => {
    const before = (await listTokens()).text;
    const text = sandbox.mintToken('LOC-1001');
    const answers = [
      await addigy('POST', '/oa/apps-and-books/tokens/loc-main/renew/preview', { token: text }),
      await addigy('PUT', '/oa/apps-and-books/tokens/loc-main', { token: text }),
      await addigy('POST', '/oa/apps-and-books/tokens/loc-main/sync', {}),
    ];
    expect(answers.map((answer) => answer.status)).toEqual([404, 404, 404]);
    expect(answers[0]?.json()).toEqual({ code: 404, message: 'route not found' });
    expect(sandbox.addigyRequests('preview-renewal')).toHaveLength(1);
    expect(sandbox.addigyRequests('renew')).toHaveLength(1);
    expect(sandbox.addigyRequests('request-sync')).toHaveLength(1);
    expect((await listTokens()).text).toBe(before);
  });
});

describe('Scans started by the console, followed by polling call 1', () => {
  it('reports syncing on the first poll and success on the next, with lastSync after the Save', async () => {
    const savedAt = Date.now();
    expect((await renewInConsole('loc-main', sandbox.mintToken('LOC-1001'))).status).toBe(200);
    expect((await tokensOf('loc-main')).map((token) => token.syncing)).toEqual([true, true]);
    const done = await tokensOf('loc-main');
    expect(done.map((token) => token.syncing)).toEqual([false, false]);
    expect(done[0]).toMatchObject({ lastSyncingStatus: 'success', errMsg: null });
    expect(Date.parse(done[0]?.lastSync)).toBeGreaterThanOrEqual(savedAt);
  });

  it('holds syncing for as many polls as told', async () => {
    sandbox.faults.syncingPolls('loc-warehouse', 3);
    await renewInConsole('loc-warehouse', sandbox.mintToken('LOC-1002'));
    const seen: boolean[] = [];
    for (let poll = 0; poll < 4; poll++) seen.push((await tokensOf('loc-warehouse'))[0]?.syncing);
    expect(seen).toEqual([true, true, true, false]);
  });

  it('ends in the scheduled error, and Addigy logs a system event', async () => {
    sandbox.faults.scanError('loc-warehouse', 'Bad status response[400]: "Error syncing token"');
    const before = (await tokensOf('loc-warehouse'))[0]?.lastSync;
    await renewInConsole('loc-warehouse', sandbox.mintToken('LOC-1002'));
    await listTokens();
    const [token] = await tokensOf('loc-warehouse');
    expect(token).toMatchObject({ syncing: false, lastSyncingStatus: 'error', errMsg: 'Bad status response[400]: "Error syncing token"', lastSync: before });
    const events = (await addigy('POST', '/system-events/query', { page: 1, per_page: 50 })).json();
    expect(events.items[0]).toMatchObject({ action_receiver: { identifier: 'loc-warehouse' }, result: { status: 'error' } });
  });

  it('fails Scan Now when Apple no longer honours the file Addigy holds, until a renewal', async () => {
    // North High's stored file was revoked by a newer download.
    const scan = await consoleCall('POST', '/sandbox-console/api/scan', { body: { locationId: 'loc-north' } });
    expect(scan.status).toBe(400);
    expect(scan.json()).toEqual({ error: SYNC_ERROR });
    expect(SYNC_ERROR).toBe(EXPIRED_SCAN_ERROR);
    expect((await renewInConsole('loc-north', sandbox.mintToken('LOC-2001'), 'pol-schools')).status).toBe(200);
    await listTokens();
    expect((await tokensOf('loc-north'))[0]).toMatchObject({ lastSyncingStatus: 'success', errMsg: null });
    expect((await consoleCall('POST', '/sandbox-console/api/scan', { body: { locationId: 'loc-north' } })).status).toBe(200);
  });

  it('finishes a scan with the revoked-token error when the stored file dies during it', async () => {
    await renewInConsole('loc-north', sandbox.mintToken('LOC-2001'), 'pol-schools');
    sandbox.revoke('LOC-2001');
    await listTokens();
    expect((await tokensOf('loc-north'))[0]).toMatchObject({ lastSyncingStatus: 'error', errMsg: REVOKED_SCAN_ERROR });
  });
});

describe('Addigy console stand-in (app.addigy.com)', () => {
  it('serves the single-page app on its routes, with Bulma classes, build hashes and no role shortcuts', async () => {
    for (const path of ['/policies', '/policies/pol-root', '/dashboard/events', '/']) {
      const page = await consoleCall('GET', path);
      expect(page.status).toBe(200);
      expect(page.headers['content-type']).toContain('text/html');
      expect(page.text).toContain('__console_config__');
    }
    const shell = (await consoleCall('GET', '/policies/pol-root')).text;
    const script = await consoleCall('GET', shell.match(/<script src="([^"]+)"/)?.[1] ?? '');
    expect(script.headers['content-type']).toContain('javascript');
    for (const text of ['Integrations & Settings', 'Apple Apps', 'Renew', 'Scan Now', 'Save', 'Cancel', 'Drop your .vpptoken file here or click to browse', 'ID number', 'Apple ID', 'Organization', 'data-v-', 'is-primary', 'role: \'alert\'']) {
      expect(script.text).toContain(text);
    }
    const css = await consoleCall('GET', shell.match(/<link rel="stylesheet" href="([^"]+)"/)?.[1] ?? '');
    expect(css.text).toContain('.modal.is-active');
  });

  it('lists a policy\'s Apple Apps tokens with the top-level expiry, for the page', async () => {
    const policies = (await consoleCall('GET', '/sandbox-console/api/policies')).json();
    expect(policies.map((policy: { id: string }) => policy.id)).toEqual(['pol-root', 'pol-child', 'pol-schools']);
    const root = (await consoleCall('GET', '/sandbox-console/api/policies/pol-root/apple-apps')).json();
    expect(root.policy).toEqual({ id: 'pol-root', name: 'Acme Root Policy' });
    expect(root.tokens.map((token: { locationName: string }) => token.locationName)).toEqual(['Main Campus', 'Warehouse', 'Design Studio']);
    expect(root.tokens[0]).not.toHaveProperty('tokenText');
    expect(root.tokens[0].expDate).toBe(sandbox.state.addigyTokens[0]?.expDate);
  });

  it('shows the confirmation details on the first Save, records the upload and writes nothing', async () => {
    const before = (await listTokens()).text;
    const text = sandbox.mintToken('LOC-1002');
    const answer = await consolePreview('loc-warehouse', text);
    expect(answer.status).toBe(200);
    expect(answer.json()).toEqual({ idNumber: '4410022', name: 'Warehouse', appleId: 'it-admin@acme.example', organization: 'Acme Corp' });
    expect((await listTokens()).text).toBe(before);
    expect(sandbox.consoleUploads()).toEqual([
      { at: expect.any(Number), locationId: 'loc-warehouse', policyId: 'pol-root', fileName: 'sToken_for_x.vpptoken', text, stage: 'preview', accepted: true },
    ]);
  });

  it('renews on the confirmation\'s Save: every copy gets the file, the expiry moves, a scan starts', async () => {
    const text = sandbox.mintToken('LOC-1001');
    expect((await renewInConsole('loc-main', text)).json()).toEqual({ saved: true });
    expect(sandbox.consoleUploads().map((upload) => [upload.stage, upload.accepted])).toEqual([['preview', true], ['saved', true]]);
    const copies = sandbox.state.addigyTokens.filter((token) => token.locationId === 'loc-main');
    expect(copies.map((token) => [token.tokenText === text, token.expDate, token.clientConfig.tokenExpirationDate, token.version])).toEqual([
      [true, expiryOf(text), expiryOf(text), '4'],
      [true, expiryOf(text), expiryOf(text), '4'],
    ]);
    expect(sandbox.state.pendingScans['loc-main']).toMatchObject({ pollsLeft: 1 });
    const listed = await tokensOf('loc-main');
    expect(listed[0]).toMatchObject({ expDate: expiryOf(text), syncing: true });
  });

  it('refuses another location\'s file, an expired or revoked file, and garbage, with Addigy\'s red-box words', async () => {
    const before = (await listTokens()).text;
    const other = await consolePreview('loc-main', sandbox.mintToken('LOC-1002'));
    expect([other.status, other.json()]).toEqual([400, { error: IDENTIFIER_MISMATCH_ERROR }]);
    expect(IDENTIFIER_MISMATCH_ERROR).toBe('Bad status response[400]: "The identifier of this token does not match the token you are renewing"');
    expect((await consoleSave('loc-main', sandbox.tokenFor('LOC-1001', { expired: true }))).json()).toEqual({ error: SYNC_ERROR });
    const older = sandbox.mintToken('LOC-1001');
    sandbox.mintToken('LOC-1001');
    expect((await consolePreview('loc-main', older)).json()).toEqual({ error: SYNC_ERROR });
    expect((await consolePreview('loc-main', 'not a token')).status).toBe(400);
    expect((await consolePreview('loc-nowhere', older)).status).toBe(404);
    expect(sandbox.consoleUploads().map((upload) => upload.accepted)).toEqual([false, false, false, false]);
    expect((await listTokens()).text).toBe(before);
  });

  it('refuses everything as an identifier mismatch in the refuse-identifier variant, until reset', async () => {
    sandbox.console.variant('refuse-identifier');
    expect((await consolePreview('loc-main', sandbox.mintToken('LOC-1001'))).json()).toEqual({ error: IDENTIFIER_MISMATCH_ERROR });
    sandbox.reset();
    expect((await consolePreview('loc-main', sandbox.mintToken('LOC-1001'))).status).toBe(200);
  });

  it('passes layout variants to the page and rejects unknown ones', async () => {
    sandbox.console.variant('cards');
    sandbox.console.variant('slow-confirmation', { delayMs: 900 });
    const config = JSON.parse((await consoleCall('GET', '/policies/pol-root')).text.match(/__console_config__" type="application\/json">([^<]+)</)?.[1] ?? '{}');
    expect(config).toMatchObject({ variants: ['cards', 'slow-confirmation'], confirmationDelayMs: 900 });
    expect(() => sandbox.console.variant('nope' as never)).toThrow();
  });
});

// Issue 21: a console layout Token Relay's model (lib/addigy-console/page-knowledge.ts) does not describe.
describe('Addigy console stand-in: the unfamiliar layout', () => {
  type Page = InstanceType<typeof Window>;
  const opened: Page[] = [];
  afterAll(async () => {
    for (const page of opened) await page.happyDOM.close();
  });

  /** The layout as a browser shows it: the served shell and app script, run in happy-dom, its fetches to the sandbox. */
  async function openConsole(path: string): Promise<Page> {
    const shell = await consoleCall('GET', path);
    expect(shell.status).toBe(200);
    const scriptPath = shell.text.match(/<script src="([^"]+)"/)?.[1] ?? '';
    const script = await consoleCall('GET', scriptPath);
    expect(script.headers['content-type']).toContain('javascript');
    const page = new Window({ url: `https://app.addigy.com${path}`, settings: { disableJavaScriptFileLoading: true, disableCSSFileLoading: true } });
    opened.push(page);
    page.document.write(shell.text.replace(/<script src="[^"]+"><\/script>/, '').replace(/<link rel="stylesheet"[^>]*>/, ''));
    (page as unknown as { fetch: unknown }).fetch = async (url: string, init: { method?: string; body?: string } = {}) => {
      const answer = await consoleCall(init.method ?? 'GET', String(url), { body: init.body === undefined ? undefined : JSON.parse(init.body) });
      return { ok: answer.status < 400, status: answer.status, json: async () => answer.json() };
    };
    page.eval(script.text);
    return page;
  }

  async function until<T>(check: () => T, what: string, timeoutMs = 5_000): Promise<NonNullable<T>> {
    const deadline = Date.now() + timeoutMs;
    for (;;) {
      const value = check();
      if (value) return value as NonNullable<T>;
      if (Date.now() > deadline) throw new Error(`not seen in time: ${what}`);
      await new Promise((resolve) => setTimeout(resolve, 20));
    }
  }

  const byText = (page: Page, selector: string, text: string) =>
    [...page.document.querySelectorAll(selector)].find((element) => element.textContent?.trim() === text) as unknown as HTMLElement | undefined;
  const click = async (page: Page, selector: string, text: string) => (await until(() => byText(page, selector, text), text)).click();
  const warehouseEntry = (page: Page) =>
    [...page.document.querySelectorAll('.entry')].find((entry) => entry.querySelector('.entry-title')?.textContent === 'Warehouse') as unknown as HTMLElement | undefined;

  /** As the admin: the modelled policy URL, then the configuration, its Volume Purchase pane, Upload new token beside Warehouse. */
  async function openWarehouseUpload(page: Page) {
    if (page.location.pathname !== '/configs/pol-root') await click(page, 'a', 'Acme Root Policy');
    expect(page.location.pathname).toBe('/configs/pol-root');
    expect(page.document.querySelector('.entry')).toBeNull();
    await click(page, 'a', 'Volume Purchase');
    expect(`${page.location.pathname}${page.location.search}`).toBe('/configs/pol-root?pane=store');
    const entry = await until(() => warehouseEntry(page), 'the Warehouse entry');
    (await until(() => [...entry.querySelectorAll('a')].find((a) => a.textContent === 'Upload new token'), 'Upload new token')).click();
    const input = await until(() => entry.querySelector('input[type="file"]') as HTMLInputElement | null, 'the file input');
    return { entry, input };
  }

  /** What Token Relay does with a file input: gives it the file and presses the form's button. */
  async function giveFile(page: Page, input: HTMLInputElement, text: string) {
    const file = new page.File([text], 'sToken_for_Warehouse.vpptoken');
    Object.defineProperty(input, 'files', { value: [file], configurable: true });
    input.dispatchEvent(new page.Event('change', { bubbles: true }) as unknown as Event);
  }

  /** Every text the page shows (text nodes, and the attributes that name things), trimmed, non-empty. */
  const textsOf = (page: Page) => {
    const texts: string[] = [];
    const walker = page.document.createTreeWalker(page.document.body, 4 /* text */);
    for (let node = walker.nextNode(); node; node = walker.nextNode()) {
      const parent = node.parentElement;
      if (parent && (parent.tagName === 'SCRIPT' || parent.tagName === 'STYLE')) continue;
      if (node.textContent?.trim()) texts.push(node.textContent.trim());
    }
    for (const element of page.document.body.querySelectorAll('[aria-label],[title],[placeholder],[alt]')) {
      for (const name of ['aria-label', 'title', 'placeholder', 'alt']) if (element.getAttribute(name)) texts.push(element.getAttribute(name)!);
    }
    return texts;
  };

  // The model's words for the token section, its tabs, the renew control, the windows' buttons and the confirmation.
  const MODELLED_WORDS = [
    ...INTEGRATIONS_TAB_LABELS, ...INTEGRATIONS_TAB_OLDER_LABELS, ...APPLE_APPS_LABELS, ...RENEW_LABELS, ...SAVE_LABELS,
    ...CANCEL_LABELS, ...SCAN_NOW_LABELS, ...LOCATION_LABELS, ...Object.values(CONFIRMATION_LABELS).flatMap((set) => [...set]),
  ];
  const wordPattern = (label: string) => new RegExp(`(^|[^\\p{L}\\p{N}])${label.replace(/[.*+?^${}()|[\]\\]/g, '\\$&')}($|[^\\p{L}\\p{N}])`, 'iu');
  /** The modelled words a page state shows, whole words or whole texts; the markup the model keys on. */
  function modelledIn(page: Page) {
    const texts = textsOf(page);
    return {
      words: MODELLED_WORDS.filter((label) => texts.some((text) => normaliseLabel(text) === label || wordPattern(label).test(normaliseLabel(text)))),
      dropZoneOrErrorWords: texts.filter((text) => [...DROP_ZONE_TEXT, ...ERROR_TEXT].some((pattern) => pattern.test(text))),
      markup: [...page.document.querySelectorAll(`${DIALOG_SELECTOR},${ERROR_BOX_SELECTOR},${ROW_SELECTOR},${CELL_SELECTOR},[role],[aria-modal],[aria-live],dialog,table`)].map(
        (element) => element.outerHTML.slice(0, 80),
      ),
    };
  }
  const NOTHING_MODELLED = { words: [], dropZoneOrErrorWords: [], markup: [] };

  it('shows only the configurations at the model\'s policy URL: no token, no upload control', async () => {
    sandbox.console.variant('unfamiliar');
    const path = new URL(consolePolicyUrl('pol-root')).pathname;
    const page = await openConsole(path);
    await until(() => byText(page, 'a', 'Acme Root Policy'), 'the configurations');
    expect(byText(page, 'h1', 'Configurations')).toBeTruthy();
    expect([...page.document.querySelectorAll('ul a')].map((a) => [a.textContent, a.getAttribute('href')])).toEqual([
      ['Acme Root Policy', '/configs/pol-root'],
      ['Acme Warehouse Devices', '/configs/pol-child'],
      ['Springfield Schools', '/configs/pol-schools'],
    ]);
    expect(page.document.querySelector('.entry')).toBeNull();
    expect(page.document.body.textContent).not.toContain('Valid until');
    expect(page.document.querySelector('input[type="file"]')).toBeNull();
    // Served under a script-blocking CSP, its own app at its own path.
    const shell = await consoleCall('GET', path);
    expect(shell.headers['content-security-policy']).toBe("script-src 'self'");
    expect(shell.text).not.toContain('/js/app.3f9c1e2a.js');
  });

  it('shares none of the model\'s words or markup for the token section, the renew control, the windows and the errors', async () => {
    sandbox.console.variant('unfamiliar');
    const page = await openConsole('/policies/pol-root');
    await until(() => byText(page, 'a', 'Acme Root Policy'), 'the configurations');
    expect(modelledIn(page)).toEqual(NOTHING_MODELLED);
    await click(page, 'a', 'Acme Root Policy');
    await until(() => byText(page, 'a', 'Volume Purchase'), 'the panes');
    expect(modelledIn(page)).toEqual(NOTHING_MODELLED);
    const { entry, input } = await openWarehouseUpload(page);
    expect(modelledIn(page)).toEqual(NOTHING_MODELLED);
    // The upload is an inline form, not a window; the renew control a link.
    expect(input.closest('form')?.closest('.entry')).toBe(entry);
    expect([...entry.querySelectorAll('a')].find((a) => a.textContent === 'Upload new token')?.tagName).toBe('A');
    await giveFile(page, input, sandbox.mintToken('LOC-1002'));
    byText(page, 'button', 'Upload')!.click();
    await until(() => entry.querySelector('dl'), 'the check');
    expect(modelledIn(page)).toEqual(NOTHING_MODELLED);

    // The script carries none of them either, nor any role.
    const script = (await consoleCall('GET', (await consoleCall('GET', '/policies/pol-root')).text.match(/<script src="([^"]+)"/)?.[1] ?? '')).text;
    for (const label of MODELLED_WORDS) expect(script.toLowerCase()).not.toMatch(new RegExp(`['"\`]${label.replace(/[.*+?^${}()|[\]\\]/g, '\\$&')}['"\`]`));
    expect(script).not.toMatch(/['"]role['"]|\brole:|aria-|data-v-/);
  });

  it('renews the world\'s token through its inline form and check: Addigy\'s API shows the file\'s expiry, then a later successful sync', async () => {
    sandbox.console.variant('unfamiliar');
    const page = await openConsole('/policies/pol-root');
    const { entry, input } = await openWarehouseUpload(page);
    const text = sandbox.mintToken('LOC-1002');
    await giveFile(page, input, text);
    byText(page, 'button', 'Upload')!.click();
    const check = await until(() => entry.querySelector('dl'), 'the check');
    const pairs = [...check.querySelectorAll('dt')].map((dt) => [dt.textContent, dt.nextElementSibling?.textContent]);
    expect(pairs).toEqual([['Site', 'Warehouse'], ['Company', 'Acme Corp'], ['Account', 'it-admin@acme.example'], ['Identifier', '4410022']]);
    expect(sandbox.consoleUploads().map((upload) => [upload.stage, upload.accepted, upload.fileName])).toEqual([['preview', true, 'sToken_for_Warehouse.vpptoken']]);
    expect((await tokensOf('loc-warehouse'))[0]?.expDate).not.toBe(expiryOf(text));

    await click(page, 'button', 'Confirm');
    await until(() => byText(page, '.notification.is-success', 'Token replaced. Addigy is checking it with Apple.'), 'the success box');
    const saved = sandbox.consoleUploads().find((upload) => upload.stage === 'saved');
    expect(saved).toMatchObject({ accepted: true, text, locationId: 'loc-warehouse' });
    expect((await tokensOf('loc-warehouse'))[0]).toMatchObject({ expDate: expiryOf(text), syncing: true });
    const [after] = await tokensOf('loc-warehouse');
    expect(after).toMatchObject({ expDate: expiryOf(text), syncing: false, lastSyncingStatus: 'success' });
    expect(Date.parse(after!.lastSync)).toBeGreaterThan(saved!.at);
  });

  it('shows Addigy\'s refusal in a red box without a role, in its own words, and renews nothing', async () => {
    sandbox.console.variant('unfamiliar');
    sandbox.console.variant('refuse-identifier');
    const before = (await listTokens()).text;
    const page = await openConsole('/policies/pol-root');
    const { entry, input } = await openWarehouseUpload(page);
    await giveFile(page, input, sandbox.mintToken('LOC-1002'));
    byText(page, 'button', 'Upload')!.click();
    const box = await until(() => entry.querySelector('.notification.is-danger'), 'the red box');
    expect(box.textContent).toBe('Upload failed. The identifier of this token does not match the token you are renewing');
    expect(box.getAttribute('role')).toBeNull();
    expect(entry.querySelector('dl')).toBeNull();
    expect(modelledIn(page)).toEqual(NOTHING_MODELLED);
    expect((await listTokens()).text).toBe(before);
  });

  it('late-input: a page script adds a shown file input once something else joins the page, and records what it is given', async () => {
    sandbox.console.variant('unfamiliar');
    sandbox.console.variant('late-input');
    const page = await openConsole('/policies/pol-root');
    await until(() => byText(page, 'a', 'Acme Root Policy'), 'the configurations');
    await new Promise((resolve) => setTimeout(resolve, 400));
    expect(page.document.querySelector('#late-upload')).toBeNull();
    // Another extension's (Token Relay's guide's) element: the page answers with its stray input, with no click.
    page.document.body.append(page.document.createElement('div'));
    const input = await until(() => page.document.querySelector('#late-upload input[type="file"]') as HTMLInputElement | null, 'the late input');
    const text = sandbox.mintToken('LOC-1002');
    await giveFile(page, input, text);
    await until(() => sandbox.consoleUploads().length === 1, 'the late upload');
    expect(sandbox.consoleUploads()).toEqual([expect.objectContaining({ via: 'late-input', text, accepted: false })]);

    // Without another element, after delayMs.
    sandbox.console.variant('late-input', { delayMs: 200 });
    const quiet = await openConsole('/policies/pol-root');
    await until(() => quiet.document.querySelector('#late-upload input[type="file"]'), 'the late input after delayMs');
  });
});

describe('Addigy sign-in (login.addigy.com)', () => {
  it('is signed in by default', async () => {
    expect((await consoleCall('GET', '/policies/pol-root')).status).toBe(200);
  });

  it('after signOut, redirects console pages to the sign-in page and refuses its endpoints', async () => {
    sandbox.console.signOut();
    const page = await consoleCall('GET', '/policies/pol-root?tab=apps');
    expect(page.status).toBe(302);
    expect(page.headers.location).toBe(`https://login.addigy.com/?return_to=${encodeURIComponent('https://app.addigy.com/policies/pol-root?tab=apps')}`);
    expect((await consoleCall('GET', '/sandbox-console/api/policies')).status).toBe(401);
    const login = await call('login.addigy.com', 'GET', `/?return_to=${encodeURIComponent('https://app.addigy.com/policies/pol-root')}`);
    expect(login.status).toBe(200);
    expect(login.text).toContain('type="password"');
    expect(login.text).toContain('>Sign in</button>');
    expect(login.text).toContain('value="https://app.addigy.com/policies/pol-root"');
  });

  it('signs in through the form: a session cookie for addigy.com, then back to return_to', async () => {
    sandbox.console.signOut();
    const form = (fields: Record<string, string>) =>
      call('login.addigy.com', 'POST', '/', { body: new URLSearchParams(fields).toString(), headers: { 'content-type': 'application/x-www-form-urlencoded' } });
    const empty = await form({ email: '', password: '', return_to: 'https://app.addigy.com/policies/pol-root' });
    expect(empty.status).toBe(200);
    expect(empty.text).toContain('role="alert"');
    const signedIn = await form({ email: 'sam.admin@acme.example', password: 'pw', return_to: 'https://app.addigy.com/policies/pol-root' });
    expect(signedIn.status).toBe(302);
    expect(signedIn.headers.location).toBe('https://app.addigy.com/policies/pol-root');
    const cookie = String(signedIn.headers['set-cookie']);
    expect(cookie).toMatch(new RegExp(`^${SESSION_COOKIE}=[\\w-]+; `));
    for (const attribute of ['Domain=addigy.com', 'Path=/', 'Secure', 'SameSite=Lax']) expect(cookie).toContain(attribute);
    const session = cookie.split(';')[0] ?? '';
    expect((await consoleCall('GET', '/policies/pol-root', { cookie: session })).status).toBe(200);
    expect((await consoleCall('GET', '/sandbox-console/api/policies', { cookie: session })).status).toBe(200);
    expect((await consoleCall('GET', '/policies/pol-root', { cookie: `${SESSION_COOKIE}=forged` })).status).toBe(302);
    const elsewhere = await form({ email: 'a@b.example', password: 'pw', return_to: 'https://evil.example/' });
    expect(elsewhere.headers.location).toBe('https://app.addigy.com/policies');
    sandbox.reset();
    expect((await consoleCall('GET', '/policies/pol-root')).status).toBe(200);
  });
});

describe('Addigy call 5: system events', () => {
  it('returns the seeded revoked-token event and events pushed into state', async () => {
    const body = { query: [{ field: 'action_receiver.type', operator: 'contains', value: 'vpp-token' }], page: 1, per_page: 50, sort_direction: 'desc' };
    const first = (await addigy('POST', '/system-events/query', body)).json();
    expect(first.metadata).toEqual({ page: 1, per_page: 50, page_count: 1, result_count: 1 });
    expect(first.items[0]).toMatchObject({
      level: 'error',
      action_receiver: { identifier: 'loc-north', name: 'North High' },
      result: { status: 'error', details: '401 - error while retrieving token assets || 9625 - The server has revoked the sToken.' },
    });
    sandbox.state.systemEvents.push({ event_id: 'evt-new', date: new Date().toISOString(), action_receiver: { identifier: 'loc-main', name: 'Main Campus' } });
    const second = (await addigy('POST', '/system-events/query', body)).json();
    expect(second.items.map((event: { event_id: string }) => event.event_id)).toEqual(['evt-new', 'evt-0001']);
  });
});

describe('Addigy faults', () => {
  it('answers the scheduled status the given number of times, with Retry-After', async () => {
    sandbox.faults.addigy('list-tokens', { status: 429, times: 2, retryAfter: 3 });
    const first = await listTokens();
    const second = await listTokens();
    const third = await listTokens();
    expect([first.status, second.status, third.status]).toEqual([429, 429, 200]);
    expect(first.headers['retry-after']).toBe('3');
    expect(first.json()).toEqual({ code: 429, message: 'too many requests' });
    expect(third.headers['retry-after']).toBeUndefined();
  });

  it('applies faults before the key check, only to the named call, and sends a given body as is', async () => {
    sandbox.faults.addigy('list-token-events', { status: 503, body: '<html>upstream down</html>' });
    expect((await listTokens()).status).toBe(200);
    const answer = await addigy('POST', '/system-events/query', {}, 'wrong-key');
    expect(answer.status).toBe(503);
    expect(answer.text).toBe('<html>upstream down</html>');
    expect((await addigy('POST', '/system-events/query', {}, 'wrong-key')).status).toBe(401);
  });

  it('"*" matches any call; a JSON body replaces the default', async () => {
    sandbox.faults.addigy('*', { status: 500, times: 2, body: { error: 'boom' } });
    expect((await listTokens()).json()).toEqual({ error: 'boom' });
    expect((await addigy('POST', '/system-events/query', {})).status).toBe(500);
    expect((await addigy('POST', '/system-events/query', {})).status).toBe(200);
  });

  it('hangs without answering until the sandbox closes', async () => {
    const own = await startSandbox();
    own.faults.addigy('list-tokens', { hang: true });
    const pending = call('api.addigy.com', 'POST', '/api/v2/oa/apps-and-books/tokens/policies/query', {
      port: own.port,
      headers: { 'x-api-key': own.apiKey },
      body: { policy_ids: [] },
      timeoutMs: 60_000,
    });
    const outcome = await Promise.race([pending.then(() => 'answered', () => 'failed'), new Promise((resolve) => setTimeout(() => resolve('waiting'), 300))]);
    expect(outcome).toBe('waiting');
    expect(own.addigyRequests('list-tokens')).toHaveLength(1);
    await own.close();
    await expect(pending).rejects.toThrow();
  });
});

describe('Apple client config', () => {
  it('describes the location of a current token, with the managing MDM', async () => {
    const text = sandbox.mintToken('LOC-1001');
    const answer = await appleConfig(`Bearer ${text}`);
    expect(answer.status).toBe(200);
    expect(answer.json()).toMatchObject({
      uId: 'LOC-1001',
      locationName: 'Main Campus',
      countryISO2ACode: 'US',
      defaultPlatform: 'volumestore',
      tokenExpirationDate: decodeVppTokenText(text)?.expDate,
      mdmInfo: { name: 'Addigy' },
      websiteURL: 'https://business.apple.com',
      subscribedNotificationTypes: [],
    });
    expect((await appleConfig(`Bearer ${sandbox.mintToken('LOC-1003')}`)).json().mdmInfo.name).toBe('Jamf Pro');
    expect((await appleConfig(`Bearer ${sandbox.mintToken('LOC-3001')}`)).json()).not.toHaveProperty('mdmInfo');
    expect((await appleConfig(`Bearer ${sandbox.mintToken('LOC-2001')}`)).json().websiteURL).toBe('https://school.apple.com');
    expect(sandbox.appleRequests()).toHaveLength(4);
    expect(sandbox.appleRequests()[0]?.headers.authorization).toBe(`Bearer ${text}`);
  });

  it('follows setOtherMdm and revoke', async () => {
    const text = sandbox.mintToken('LOC-1002');
    sandbox.setOtherMdm('LOC-1002', 'Kandji');
    expect((await appleConfig(`Bearer ${text}`)).json().mdmInfo.name).toBe('Kandji');
    sandbox.setOtherMdm('LOC-1002', null);
    expect((await appleConfig(`Bearer ${text}`)).json().mdmInfo.name).toBe('Addigy');
    sandbox.revoke('LOC-1002');
    expect((await appleConfig(`Bearer ${text}`)).json().errorNumber).toBe(9625);
  });

  it('answers revoked, expired, garbage and malformed headers with error bodies and HTTP 200', async () => {
    const older = sandbox.mintToken('LOC-1001');
    sandbox.mintToken('LOC-1001');
    const cases: Array<[string | undefined, number]> = [
      [`Bearer ${older}`, 9625],
      [`Bearer ${sandbox.tokenFor('LOC-1001', { expired: true })}`, 9621],
      ['Bearer bm90IGEgdG9rZW4=', 9622],
      [`Bearer ${makeVppTokenText({ token: 'unknown', orgName: 'Acme Corp', expDate: '2030-01-01T00:00:00+0000' })}`, 9622],
      [undefined, 9722],
      ['Basic abc', 9722],
    ];
    for (const [authorization, errorNumber] of cases) {
      const answer = await appleConfig(authorization);
      expect(answer.status).toBe(200);
      expect(answer.json().errorNumber).toBe(errorNumber);
    }
    expect((await appleConfig(`Bearer ${older}`)).json().errorMessage).toBe('The server has revoked the sToken.');
  });

  it('keeps a tokenFor file valid next to the current one', async () => {
    const current = sandbox.mintToken('LOC-1001');
    const extra = sandbox.tokenFor('LOC-1001', { orgName: 'Other Org', extraKeys: { note: 'x' } });
    expect((await appleConfig(`Bearer ${current}`)).json().uId).toBe('LOC-1001');
    expect((await appleConfig(`Bearer ${extra}`)).json().uId).toBe('LOC-1001');
    expect(JSON.parse(Buffer.from(extra, 'base64').toString('utf8'))).toMatchObject({ orgName: 'Other Org', note: 'x' });
  });

  it('applies Apple faults first: a 503, then error 9646, then the real answer', async () => {
    const text = sandbox.mintToken('LOC-1001');
    sandbox.faults.apple({ status: 503 });
    sandbox.faults.apple({ errorNumber: 9646 });
    const first = await appleConfig(`Bearer ${text}`);
    const second = await appleConfig(`Bearer ${text}`);
    const third = await appleConfig(`Bearer ${text}`);
    expect(first.status).toBe(503);
    expect([second.status, second.json().errorNumber]).toEqual([200, 9646]);
    expect(third.json().uId).toBe('LOC-1001');
  });
});

describe('Apple Business Manager and School Manager pages', () => {
  it('serves the console per host, with generated class names only', async () => {
    const business = await call('business.apple.com', 'GET', '/');
    const school = await call('school.apple.com', 'GET', '/?layout=cards');
    expect(business.status).toBe(200);
    expect(business.headers['content-type']).toContain('text/html');
    expect(business.text).toContain('<title>Apple Business Manager</title>');
    expect(school.text).toContain('<title>Apple School Manager</title>');
    const scriptPath = business.text.match(/<script src="([^"]+)"/)?.[1] ?? '';
    const script = await call('business.apple.com', 'GET', scriptPath);
    expect(script.headers['content-type']).toContain('javascript');
    expect(script.text).toContain('Download');
    const cssPath = business.text.match(/<link rel="stylesheet" href="([^"]+)"/)?.[1] ?? '';
    const css = (await call('business.apple.com', 'GET', cssPath)).text;
    const classNames = [...css.matchAll(/\.([A-Za-z][\w-]*)/g)].map((match) => match[1]);
    expect(classNames.length).toBeGreaterThan(20);
    for (const name of classNames) expect(name).toMatch(/^css-[0-9a-z]{7}$/);
  });

  it('lists each site\'s own locations', async () => {
    const business = (await call('business.apple.com', 'GET', '/sandbox-api/locations')).json();
    const school = (await call('school.apple.com', 'GET', '/sandbox-api/locations')).json();
    expect(business.map((location: { locationName: string }) => location.locationName)).toEqual([
      'Main Campus',
      'Warehouse',
      'Satellite Office',
      'Design Studio',
    ]);
    expect(school).toEqual([expect.objectContaining({ uId: 'LOC-2001', locationName: 'North High', orgName: 'Springfield Schools' })]);
  });

  it('wraps the console in a MainPortal iframe that keeps the other variants', async () => {
    const shell = (await call('business.apple.com', 'GET', '/?frame=portal&layout=cards&delivery=https')).text;
    expect(shell).toContain('<iframe name="MainPortal"');
    expect(shell).toContain('src="/portal?layout=cards&amp;delivery=https#/main/preferences/paymentsandbilling/appsandbooks"');
    const portal = (await call('business.apple.com', 'GET', '/portal?layout=cards')).text;
    expect(portal).toContain('__app_config__');
    expect(portal).not.toContain('<iframe');
  });

  it('serves the decoy pages and a non-token download', async () => {
    const unrelated = (await call('business.apple.com', 'GET', '/unrelated')).text;
    expect(unrelated).toContain('Content Tokens');
    expect(unrelated).toContain('Download');
    expect(unrelated).not.toContain('<button');
    expect((await call('business.apple.com', 'GET', '/other-download')).text).toContain('/sandbox-api/file/report.pdf');
    const file = await call('business.apple.com', 'GET', '/sandbox-api/file/report.pdf');
    expect(file.headers['content-disposition']).toBe('attachment; filename="report.pdf"');
    expect(file.text.startsWith('%PDF')).toBe(true);
  });

  it('mints a new token on every https download and revokes the one before', async () => {
    const first = await call('business.apple.com', 'GET', '/sandbox-api/tokens/LOC-1001/download');
    const second = await call('business.apple.com', 'GET', '/sandbox-api/tokens/LOC-1001/download');
    expect(first.status).toBe(200);
    expect(first.headers['content-type']).toBe('application/octet-stream');
    expect(first.headers['content-disposition']).toContain('attachment; filename="sToken_for_Main Campus.vpptoken"');
    expect(first.text).not.toBe(second.text);
    expect(decodeVppTokenText(first.text)?.orgName).toBe('Acme Corp');
    expect((await appleConfig(`Bearer ${first.text}`)).json().errorNumber).toBe(9625);
    expect((await appleConfig(`Bearer ${second.text}`)).json().uId).toBe('LOC-1001');
    expect(sandbox.tokenDownloads('LOC-1001')).toHaveLength(2);
    expect(sandbox.tokenDownloads('LOC-1002')).toHaveLength(0);
  });

  it('mints through the page-internal POST, only for the site\'s own locations', async () => {
    const minted = await call('business.apple.com', 'POST', '/sandbox-api/tokens/LOC-1002/mint');
    expect(minted.status).toBe(200);
    expect((await appleConfig(`Bearer ${minted.text}`)).json().uId).toBe('LOC-1002');
    expect((await call('school.apple.com', 'POST', '/sandbox-api/tokens/LOC-1002/mint')).status).toBe(404);
    expect((await call('business.apple.com', 'GET', '/sandbox-api/tokens/LOC-1002/mint')).status).toBe(405);
    expect(sandbox.tokenDownloads()).toHaveLength(1);
  });
});

describe('reset and close', () => {
  it('reset restores the seed and forgets requests and faults', async () => {
    sandbox.faults.addigy('*', { status: 500, times: 10 });
    sandbox.console.variant('cards');
    await renewInConsole('loc-main', sandbox.mintToken('LOC-1001'));
    sandbox.state.systemEvents.push({ event_id: 'extra' });
    const state = sandbox.state;
    sandbox.reset();
    expect(sandbox.state).toBe(state);
    expect(sandbox.requests).toHaveLength(0);
    expect(sandbox.state.systemEvents).toHaveLength(1);
    expect(sandbox.consoleUploads()).toEqual([]);
    expect((await consoleCall('GET', '/policies/pol-root')).text).toContain('"variants":[]');
    const tokens = await tokensOf('loc-main');
    expect(tokens[0]?.version).toBe('3');
  });

  it('close stops the server', async () => {
    const own = await startSandbox({ seed: (state) => state.systemEvents.splice(0) });
    const events = await call('api.addigy.com', 'POST', '/api/v2/system-events/query', { port: own.port, headers: { 'x-api-key': own.apiKey }, body: {} });
    expect(events.json().items).toEqual([]);
    await own.close();
    await expect(call('api.addigy.com', 'POST', '/api/v2/system-events/query', { port: own.port, body: {} })).rejects.toThrow();
  });
});

// Issue 22: an organisation with many locations, for batch renewal.
describe('seedDistrict: an organisation with many locations on one Apple site', () => {
  let district: Sandbox;
  let seeded: DistrictLocation[] = [];
  beforeAll(async () => {
    district = await startSandbox({ seed: (state) => void (seeded = seedDistrict(state)) });
  });
  afterAll(() => district.close());
  beforeEach(() => district.reset());

  const on = (host: string, method: string, path: string, body?: unknown) => call(host, method, path, { port: district.port, body });
  const renewVia = async (locationId: string, policyId: string, token: string) => {
    const preview = await on('app.addigy.com', 'POST', '/sandbox-console/api/renew/preview', { policyId, locationId, fileName: 'f.vpptoken', token });
    return preview.status === 200 ? { preview, save: await on('app.addigy.com', 'POST', '/sandbox-console/api/renew', { policyId, locationId, fileName: 'f.vpptoken', token }) } : { preview };
  };
  const districtTokens = () => district.state.addigyTokens.filter((token) => token.orgName === 'Springfield District');

  it('adds 12 school locations, 11 expiring within 3..29 days soonest first and 1 in 200 days, each an Addigy token whose ID number is its uId', () => {
    expect(seeded).toHaveLength(12);
    expect(seeded.filter((location) => location.due).map((location) => location.daysLeft)).toEqual([3, 6, 8, 11, 13, 16, 19, 21, 24, 26, 29]);
    expect(seeded.filter((location) => !location.due).map((location) => location.daysLeft)).toEqual([200]);
    expect(new Set(seeded.map((location) => location.locationName)).size).toBe(12);
    expect(new Set(seeded.map((location) => location.uId)).size).toBe(12);
    const tokens = districtTokens();
    expect(tokens).toHaveLength(12);
    for (const [i, location] of seeded.entries()) {
      const token = tokens[i]!;
      expect(token).toMatchObject({ locationId: location.locationId, policyId: 'pol-springfield-district', idNumber: location.uId, inheritedFrom: null });
      expect(token.clientConfig).toMatchObject({ uId: location.uId, locationName: location.locationName, websiteURL: 'https://school.apple.com', mdmInfo: { name: 'Addigy' } });
      const days = (Date.parse(token.expDate) - Date.now()) / 86_400_000;
      expect(days).toBeGreaterThan(location.daysLeft - 0.01);
      expect(days).toBeLessThan(location.daysLeft + 0.01);
      expect(district.state.locations.find((apple) => apple.uId === location.uId)).toMatchObject({ site: 'school', orgName: 'Springfield District' });
    }
  });

  it('holds Apple\'s current file in each Addigy token: Apple answers its client config with the location', async () => {
    for (const token of districtTokens().slice(0, 3)) {
      const config = (await call('vpp.itunes.apple.com', 'GET', '/mdm/v2/client/config', { port: district.port, headers: { authorization: `Bearer ${token.tokenText}` } })).json();
      expect(config).toMatchObject({ uId: token.clientConfig.uId, locationName: token.clientConfig.locationName });
    }
  });

  it('spreads the due days over 3..29 for other counts, and the tokens over several policies', async () => {
    const own = await startSandbox({ seed: (state) => void seedDistrict(state, { count: 30, dueCount: 30, policies: 3, orgName: 'Shelbyville Unified', site: 'business' }) });
    try {
      const tokens = own.state.addigyTokens.filter((token) => token.orgName === 'Shelbyville Unified');
      expect(tokens).toHaveLength(30);
      const days = tokens.map((token) => Math.round((Date.parse(token.expDate) - Date.now()) / 86_400_000));
      expect(days[0]).toBe(3);
      expect(days.at(-1)).toBe(29);
      expect(days.every((day, i) => i === 0 || day >= days[i - 1]!)).toBe(true);
      expect(new Set(tokens.map((token) => token.clientConfig.locationName)).size).toBe(30);
      const policies = (await call('app.addigy.com', 'GET', '/sandbox-console/api/policies', { port: own.port })).json();
      expect(policies).toEqual(expect.arrayContaining([
        { id: 'pol-shelbyville-unified', name: 'Shelbyville Unified Schools' },
        { id: 'pol-shelbyville-unified-2', name: 'Shelbyville Unified Schools 2' },
        { id: 'pol-shelbyville-unified-3', name: 'Shelbyville Unified Schools 3' },
      ]));
      const business = (await call('business.apple.com', 'GET', '/sandbox-api/locations', { port: own.port })).json();
      expect(business.filter((location: { orgName: string }) => location.orgName === 'Shelbyville Unified')).toHaveLength(30);
    } finally {
      await own.close();
    }
  });

  it('lists every location on the school site\'s token page, each row with its own Download control', async () => {
    const listed = (await on('school.apple.com', 'GET', '/sandbox-api/locations')).json();
    expect(listed.map((location: { locationName: string }) => location.locationName)).toEqual(['North High', ...seeded.map((location) => location.locationName)]);
    const shell = (await on('school.apple.com', 'GET', '/')).text;
    const script = (await on('school.apple.com', 'GET', shell.match(/<script src="([^"]+)"/)?.[1] ?? '')).text;
    const page = new Window({ url: 'https://school.apple.com/#/main/preferences/paymentsandbilling/appsandbooks', settings: { disableJavaScriptFileLoading: true, disableCSSFileLoading: true } });
    try {
      page.document.write(shell.replace(/<script src="[^"]+"><\/script>/, '').replace(/<link rel="stylesheet"[^>]*>/, ''));
      (page as unknown as { fetch: unknown }).fetch = async (url: string, init: { method?: string } = {}) => {
        const answer = await on('school.apple.com', init.method ?? 'GET', String(url));
        return { ok: answer.status < 400, status: answer.status, json: async () => answer.json(), text: async () => answer.text };
      };
      page.eval(script);
      const deadline = Date.now() + 5_000;
      while (page.document.querySelectorAll('tbody tr').length < 13 && Date.now() < deadline) await new Promise((resolve) => setTimeout(resolve, 20));
      const rows = [...page.document.querySelectorAll('tbody tr')].map((row) => [row.querySelector('td')?.textContent, row.querySelector('button')?.textContent]);
      expect(rows).toEqual([['North High', 'Download'], ...seeded.map((location) => [location.locationName, 'Download'])]);
    } finally {
      await page.happyDOM.close();
    }
  });

  it('renews each location in the console with its freshly downloaded file, and counts downloads and saves per uId', async () => {
    for (const location of seeded) {
      const download = await on('school.apple.com', 'POST', `/sandbox-api/tokens/${location.uId}/mint`);
      expect(download.status).toBe(200);
      expect(district.appleFile(location.uId)).toBe(download.text);
      const { preview, save } = await renewVia(location.locationId, location.policyId, download.text);
      expect(preview.json()).toEqual({ idNumber: location.uId, name: location.locationName, appleId: 'tech@springfield-district.example', organization: 'Springfield District' });
      expect(save?.json()).toEqual({ saved: true });
      expect(district.consoleSaves(location.uId)).toEqual([expect.objectContaining({ uId: location.uId, locationId: location.locationId, text: download.text, stage: 'saved', accepted: true })]);
      expect(district.tokenDownloads(location.uId)).toHaveLength(1);
    }
    expect(district.consoleSaves()).toHaveLength(12);
    expect(district.tokenDownloads()).toHaveLength(12);
  });

  it('follows a renewal\'s scan as fast as told: scanPolls 0 shows the outcome on the next poll', async () => {
    const own = await startSandbox({ seed: (state) => void seedDistrict(state, { count: 2, dueCount: 2, scanPolls: 0 }) });
    try {
      const [first] = own.state.addigyTokens.filter((token) => token.orgName === 'Springfield District');
      const text = own.mintToken(first!.clientConfig.uId);
      for (const route of ['/renew/preview', '/renew']) {
        await call('app.addigy.com', 'POST', `/sandbox-console/api${route}`, { port: own.port, body: { policyId: first!.policyId, locationId: first!.locationId, fileName: 'f.vpptoken', token: text } });
      }
      const listed = (await call('api.addigy.com', 'POST', '/api/v2/oa/apps-and-books/tokens/policies/query', { port: own.port, headers: { 'x-api-key': own.apiKey }, body: {} })).json();
      expect(listed.find((token: { locationId: string }) => token.locationId === first!.locationId)).toMatchObject({ syncing: false, lastSyncingStatus: 'success' });
    } finally {
      await own.close();
    }
  });

  it('refuses one location\'s files with the identifier-mismatch red box while the others renew, until accept or reset', async () => {
    const [one, two, three] = seeded as [DistrictLocation, DistrictLocation, DistrictLocation];
    district.console.refuse(two.uId);
    const refused = await renewVia(two.locationId, two.policyId, district.mintToken(two.uId));
    expect([refused.preview.status, refused.preview.json()]).toEqual([400, { error: IDENTIFIER_MISMATCH_ERROR }]);
    expect(refused.save).toBeUndefined();
    expect((await renewVia(one.locationId, one.policyId, district.mintToken(one.uId))).save?.status).toBe(200);
    expect((await renewVia(three.locationId, three.policyId, district.mintToken(three.uId))).save?.status).toBe(200);
    expect(district.consoleSaves().map((save) => save.uId)).toEqual([one.uId, three.uId]);
    expect(district.consoleUploads().filter((upload) => upload.locationId === two.locationId)).toEqual([expect.objectContaining({ accepted: false, stage: 'preview' })]);

    district.console.refuse(two.locationId, 'Bad status response[400]: "Token could not be verified"');
    expect((await renewVia(two.locationId, two.policyId, district.mintToken(two.uId))).preview.json()).toEqual({ error: 'Bad status response[400]: "Token could not be verified"' });
    district.console.accept(two.locationId);
    district.console.accept(two.uId);
    expect((await renewVia(two.locationId, two.policyId, district.mintToken(two.uId))).save?.status).toBe(200);

    district.console.refuse(two.uId);
    district.reset();
    expect((await renewVia(two.locationId, two.policyId, district.mintToken(two.uId))).save?.status).toBe(200);
  });
});
