// @vitest-environment node
import { request } from 'node:https';
import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import {
  EXPIRED_SCAN_ERROR,
  REVOKED_SCAN_ERROR,
  decodeVppTokenText,
  makeVppTokenText,
  startSandbox,
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
const preview = (id: string, token: string) => addigy('POST', `/oa/apps-and-books/tokens/${encodeURIComponent(id)}/renew/preview`, { token });
const renew = (id: string, token: string) => addigy('PUT', `/oa/apps-and-books/tokens/${encodeURIComponent(id)}`, { token });
const requestSync = (id: string) => addigy('POST', `/oa/apps-and-books/tokens/${encodeURIComponent(id)}/sync`, {});
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
      ['business.apple.com', 'school.apple.com', 'api.addigy.com', 'vpp.itunes.apple.com']
        .map((host) => `MAP ${host} 127.0.0.1:${sandbox.port}`)
        .join(', '),
    );
  });

  it('serves a certificate whose names cover the four hosts', async () => {
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
    for (const host of ['business.apple.com', 'school.apple.com', 'api.addigy.com', 'vpp.itunes.apple.com']) {
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

describe('Addigy call 2: preview', () => {
  it('shows what the Renew dialog shows and writes nothing', async () => {
    const before = (await listTokens()).text;
    const text = sandbox.mintToken('LOC-1001');
    const answer = await preview('loc-main', text);
    expect(answer.status).toBe(200);
    const expDate = decodeVppTokenText(text)?.expDate ?? '';
    expect(answer.json()).toEqual({
      idNumber: '4410021',
      name: 'Main Campus',
      appleId: 'it-admin@acme.example',
      organization: 'Acme Corp',
      expirationDate: new Date(Date.parse(expDate.replace('+0000', 'Z'))).toISOString(),
    });
    expect((await listTokens()).text).toBe(before);
  });

  it('answers 404 for an unknown token id', async () => {
    const answer = await preview('loc-nowhere', sandbox.mintToken('LOC-1001'));
    expect(answer.status).toBe(404);
    expect(answer.json().code).toBe(404);
  });

  it('answers 400 for garbage, an expired token and a revoked one', async () => {
    expect((await preview('loc-main', 'not a token')).json()).toEqual({ code: 400, message: 'Token is invalid' });
    const forged = makeVppTokenText({ token: 'made-up', orgName: 'Acme Corp', expDate: '2030-11-08T22:33:22+0000' });
    expect((await preview('loc-main', forged)).json()).toEqual({ code: 400, message: 'Token is invalid' });
    const expired = await preview('loc-main', sandbox.tokenFor('LOC-1001', { expired: true }));
    expect(expired.status).toBe(400);
    expect(expired.json().message).toBe('Token has expired');
    const older = sandbox.mintToken('LOC-1001');
    sandbox.mintToken('LOC-1001');
    const revoked = await preview('loc-main', older);
    expect(revoked.status).toBe(400);
    expect(revoked.json().message).toBe('The server has revoked the sToken.');
  });

  it('answers 409 when the token belongs to another location', async () => {
    const answer = await preview('loc-main', sandbox.mintToken('LOC-1002'));
    expect(answer.status).toBe(409);
    expect(answer.json()).toEqual({ code: 409, message: 'Token identifier does not match this location' });
  });
});

describe('Addigy call 3: renew', () => {
  it('stores the token on every copy, moves the expiry and bumps the version; twice is safe', async () => {
    const text = sandbox.mintToken('LOC-1001');
    const first = await renew('loc-main', text);
    expect(first.status).toBe(200);
    const expected = new Date(Date.parse((decodeVppTokenText(text)?.expDate ?? '').replace('+0000', 'Z'))).toISOString();
    expect(first.json()).toMatchObject({ locationId: 'loc-main', inheritedFrom: null, version: '4', active: true, errMsg: null });
    expect(first.json().clientConfig.tokenExpirationDate).toBe(expected);
    expect(first.json()).not.toHaveProperty('tokenText');
    const copies = await tokensOf('loc-main');
    expect(copies.map((token) => [token.version, token.clientConfig.tokenExpirationDate])).toEqual([
      ['4', expected],
      ['4', expected],
    ]);
    const again = await renew('loc-main', text);
    expect(again.status).toBe(200);
    expect(again.json().version).toBe('4');
  });

  it('keeps a numeric version numeric', async () => {
    const answer = await renew('loc-warehouse', sandbox.mintToken('LOC-1002'));
    expect(answer.json().version).toBe(4);
  });

  it('refuses what preview refuses, without changing anything', async () => {
    const before = (await listTokens()).text;
    expect((await renew('loc-main', sandbox.mintToken('LOC-2001'))).status).toBe(409);
    expect((await renew('loc-main', 'garbage')).status).toBe(400);
    expect((await renew('loc-unknown', sandbox.mintToken('LOC-1001'))).status).toBe(404);
    expect((await listTokens()).text).toBe(before);
  });
});

describe('Addigy call 4: scan and its outcome by polling', () => {
  it('reports syncing on the first poll and success on the next, with lastSync after the request', async () => {
    await renew('loc-main', sandbox.mintToken('LOC-1001'));
    const requestedAt = Date.now();
    const answer = await requestSync('loc-main');
    expect(answer.status).toBe(202);
    expect(answer.json()).toEqual({});
    expect((await tokensOf('loc-main')).map((token) => token.syncing)).toEqual([true, true]);
    const done = await tokensOf('loc-main');
    expect(done.map((token) => token.syncing)).toEqual([false, false]);
    expect(done[0]).toMatchObject({ lastSyncingStatus: 'success', errMsg: null });
    expect(Date.parse(done[0]?.lastSync)).toBeGreaterThanOrEqual(requestedAt);
  });

  it('holds syncing for as many polls as told', async () => {
    sandbox.faults.syncingPolls('loc-warehouse', 3);
    await requestSync('loc-warehouse');
    const seen: boolean[] = [];
    for (let poll = 0; poll < 4; poll++) seen.push((await tokensOf('loc-warehouse'))[0]?.syncing);
    expect(seen).toEqual([true, true, true, false]);
  });

  it('ends in the scheduled error, and Addigy logs a system event', async () => {
    sandbox.faults.scanError('loc-warehouse', 'Bad status response[400]: "Error syncing token"');
    const before = (await tokensOf('loc-warehouse'))[0]?.lastSync;
    await requestSync('loc-warehouse');
    await listTokens();
    const [token] = await tokensOf('loc-warehouse');
    expect(token).toMatchObject({ syncing: false, lastSyncingStatus: 'error', errMsg: 'Bad status response[400]: "Error syncing token"', lastSync: before });
    const events = (await addigy('POST', '/system-events/query', { page: 1, per_page: 50 })).json();
    expect(events.items[0]).toMatchObject({ action_receiver: { identifier: 'loc-warehouse' }, result: { status: 'error' } });
  });

  it('fails when Apple no longer honours the file Addigy holds', async () => {
    // North High's stored file was revoked by a newer download.
    await requestSync('loc-north');
    await listTokens();
    expect((await tokensOf('loc-north'))[0]).toMatchObject({ lastSyncingStatus: 'error', errMsg: REVOKED_SCAN_ERROR });
    // Renewing with the current file fixes it.
    await renew('loc-north', sandbox.mintToken('LOC-2001'));
    await requestSync('loc-north');
    await listTokens();
    expect((await tokensOf('loc-north'))[0]).toMatchObject({ lastSyncingStatus: 'success', errMsg: null });
    expect(EXPIRED_SCAN_ERROR).toBe('Bad status response[400]: "Error syncing token"');
  });

  it('answers 404 for an unknown token', async () => {
    expect((await requestSync('loc-nowhere')).status).toBe(404);
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
    sandbox.faults.addigy('renew', { status: 503, body: '<html>upstream down</html>' });
    expect((await listTokens()).status).toBe(200);
    const answer = await addigy('PUT', '/oa/apps-and-books/tokens/loc-main', { token: 'x' }, 'wrong-key');
    expect(answer.status).toBe(503);
    expect(answer.text).toBe('<html>upstream down</html>');
    expect((await renew('loc-main', 'x')).status).toBe(400);
  });

  it('"*" matches any call; a JSON body replaces the default', async () => {
    sandbox.faults.addigy('*', { status: 500, times: 2, body: { error: 'boom' } });
    expect((await requestSync('loc-main')).json()).toEqual({ error: 'boom' });
    expect((await addigy('POST', '/system-events/query', {})).status).toBe(500);
    expect((await addigy('POST', '/system-events/query', {})).status).toBe(200);
  });

  it('hangs without answering until the sandbox closes', async () => {
    const own = await startSandbox();
    own.faults.addigy('preview-renewal', { hang: true });
    const pending = call('api.addigy.com', 'POST', '/api/v2/oa/apps-and-books/tokens/loc-main/renew/preview', {
      port: own.port,
      headers: { 'x-api-key': own.apiKey },
      body: { token: 'x' },
      timeoutMs: 60_000,
    });
    const outcome = await Promise.race([pending.then(() => 'answered', () => 'failed'), new Promise((resolve) => setTimeout(() => resolve('waiting'), 300))]);
    expect(outcome).toBe('waiting');
    expect(own.addigyRequests('preview-renewal')).toHaveLength(1);
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
    await renew('loc-main', sandbox.mintToken('LOC-1001'));
    sandbox.state.systemEvents.push({ event_id: 'extra' });
    const state = sandbox.state;
    sandbox.reset();
    expect(sandbox.state).toBe(state);
    expect(sandbox.requests).toHaveLength(0);
    expect(sandbox.state.systemEvents).toHaveLength(1);
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
