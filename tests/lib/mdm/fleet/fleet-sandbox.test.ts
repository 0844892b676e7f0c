// @vitest-environment node
// Node's own fetch, FormData and Request (undici): the multipart body is the one a browser-like fetch writes.
import { beforeEach, describe, expect, it } from 'vitest';
import { FleetAdapter } from '../../../../lib/mdm/fleet';
import {
  FLEET_API_TOKEN,
  FLEET_HOST,
  FLEET_INVALID_TOKEN_REASON,
  FLEET_PREMIUM_REASON,
  FLEET_APPLE_FAILED_REASON,
  createFleetState,
  handleFleet,
  parseMultipart,
  resetFleetState,
  type FleetState,
} from '../../../sandbox/fleet.mjs';
import { DAY_MS, createSeedState, formatAppleDate, issueToken, latestToken, parseAppleDate, type SandboxState } from '../../../sandbox/world.mjs';

const AUTH = { authorization: `Bearer ${FLEET_API_TOKEN}` };
let world: SandboxState;
let state: FleetState;

beforeEach(() => {
  world = createSeedState();
  state = createFleetState(world);
});

type Reply = { status: number; headers?: Record<string, string>; body?: unknown };

function call(method: string, path: string, { headers = AUTH as Record<string, string>, body = '' } = {}): Reply | 'hang' {
  return handleFleet({ world, state }, { host: FLEET_HOST, method, url: new URL(path, `https://${FLEET_HOST}`), headers, body });
}
function reply(result: Reply | 'hang'): Reply {
  if (result === 'hang') throw new Error('expected a reply, got a hang');
  return result;
}

/** A multipart body as fetch writes it, from a FormData. */
async function multipart(fill: (form: FormData) => void): Promise<{ contentType: string; body: string }> {
  const form = new FormData();
  fill(form);
  const request = new Request(`https://${FLEET_HOST}/`, { method: 'PATCH', body: form });
  return { contentType: request.headers.get('content-type') ?? '', body: await request.text() };
}
async function renewWith(id: string, text: string, { name = 'token', asFile = true } = {}): Promise<Reply> {
  const { contentType, body } = await multipart((form) =>
    asFile ? form.append(name, new File([text], 'sToken_for_Satellite Office.vpptoken', { type: 'application/octet-stream' })) : form.append(name, text),
  );
  return reply(call('PATCH', `/api/v1/fleet/vpp_tokens/${id}/renew`, { headers: { ...AUTH, 'content-type': contentType }, body }));
}

describe('Fleet stand-in: seed and list', () => {
  it("holds one token, id 7, for Apple's LOC-3001 Satellite Office, expiring when Apple's token does", () => {
    const apple = latestToken(world, 'LOC-3001')!;
    const listed = reply(call('GET', '/api/v1/fleet/vpp_tokens'));
    expect(listed.status).toBe(200);
    expect(listed.body).toEqual({
      vpp_tokens: [
        {
          id: 7,
          org_name: 'Acme Corp',
          location: 'Satellite Office',
          renew_date: new Date(parseAppleDate(apple.expDate)).toISOString().replace('.000Z', 'Z'),
          terms_expired: false,
          teams: [{ team_id: 1, name: 'Workstations' }],
        },
      ],
    });
  });

  it('checks the Bearer token exactly', () => {
    for (const headers of [{} as Record<string, string>, { authorization: FLEET_API_TOKEN }, { authorization: `Bearer ${FLEET_API_TOKEN}x` }, { authorization: `bearer  ${FLEET_API_TOKEN}` }]) {
      const answer = reply(call('GET', '/api/v1/fleet/vpp_tokens', { headers }));
      expect(answer.status).toBe(401);
      expect(answer.body).toEqual({ message: 'Authentication required', errors: [{ name: 'base', reason: 'Authentication required' }] });
    }
  });

  it('Fleet Free answers 402 to every VPP token call', async () => {
    state.premium = false;
    const expected = { message: FLEET_PREMIUM_REASON, errors: [{ name: 'base', reason: FLEET_PREMIUM_REASON }] };
    expect(reply(call('GET', '/api/v1/fleet/vpp_tokens'))).toMatchObject({ status: 402, body: expected });
    const text = issueToken(world, 'LOC-3001', { revokeOthers: false });
    expect(await renewWith('7', text)).toMatchObject({ status: 402, body: expected });
    expect(state.uploads).toEqual([]);
  });

  it('unknown routes are 404, other methods on known ones 405', () => {
    expect(reply(call('GET', '/api/v1/fleet/abm_tokens')).status).toBe(404);
    expect(reply(call('POST', '/api/v1/fleet/vpp_tokens')).status).toBe(405);
    expect(reply(call('GET', '/api/v1/fleet/vpp_tokens/7/renew')).status).toBe(405);
  });
});

describe('Fleet stand-in: renew', () => {
  it('takes a valid file for the same location: new renew date, org, last renewal, and the upload recorded exactly', async () => {
    const expiresAt = Date.now() + 400 * DAY_MS;
    const text = issueToken(world, 'LOC-3001', { expiresAt });
    const answer = await renewWith('7', text);
    expect(answer.status).toBe(202);
    const renewDate = new Date(parseAppleDate(formatAppleDate(expiresAt))).toISOString().replace('.000Z', 'Z');
    expect(answer.body).toMatchObject({ token: { id: 7, location: 'Satellite Office', org_name: 'Acme Corp', renew_date: renewDate } });
    expect((answer.body as { token: Record<string, unknown> }).token).not.toHaveProperty('uId');
    expect(state.tokens[0]!.renew_date).toBe(renewDate);
    expect(Date.parse(state.tokens[0]!.updatedAt)).toBeGreaterThan(Date.now() - 60_000);
    expect(state.uploads).toHaveLength(1);
    expect(state.uploads[0]).toMatchObject({ tokenId: '7', text, auth: `Bearer ${FLEET_API_TOKEN}`, fileName: 'sToken_for_Satellite Office.vpptoken' });
  });

  it('answers a revoked or expired file with a 500 (Fleet does not map Apple’s refusal), an undecodable one with 422; records nothing', async () => {
    const revoked = issueToken(world, 'LOC-3001');
    issueToken(world, 'LOC-3001'); // revokes the one before
    const expired = issueToken(world, 'LOC-3001', { revokeOthers: false, expiresAt: Date.now() - DAY_MS });
    const before = state.tokens[0]!.renew_date;
    for (const text of [revoked, expired, btoa('{"token":"nope","expDate":"2030-01-01T00:00:00+0000","orgName":"Acme Corp"}')]) {
      const answer = await renewWith('7', text);
      expect(answer).toMatchObject({ status: 500, body: { message: FLEET_APPLE_FAILED_REASON } });
    }
    const garbage = await renewWith('7', 'not a token');
    expect(garbage).toMatchObject({ status: 422, body: { message: 'Validation Failed', errors: [{ name: 'token', reason: FLEET_INVALID_TOKEN_REASON }] } });
    expect(state.tokens[0]!.renew_date).toBe(before);
    expect(state.uploads).toEqual([]);
  });

  it("takes a valid file for another Apple location and overwrites the row's location, as Fleet does", async () => {
    const other = issueToken(world, 'LOC-1002', { revokeOthers: false });
    const answer = await renewWith('7', other);
    expect(answer.status).toBe(202);
    expect(state.tokens[0]!.location).toBe('Warehouse');
    expect(state.uploads).toHaveLength(1);
  });

  it('rejects a body that is not multipart with 400, and a form without a token file', async () => {
    const text = issueToken(world, 'LOC-3001', { revokeOthers: false });
    const json = reply(
      call('PATCH', '/api/v1/fleet/vpp_tokens/7/renew', { headers: { ...AUTH, 'content-type': 'application/json' }, body: JSON.stringify({ token: text }) }),
    );
    expect(json).toMatchObject({ status: 400, body: { errors: [{ reason: "request Content-Type isn't multipart/form-data" }] } });
    const none = reply(call('PATCH', '/api/v1/fleet/vpp_tokens/7/renew', { body: text }));
    expect(none.status).toBe(400);
    expect(await renewWith('7', text, { name: 'file' })).toMatchObject({ status: 400, body: { errors: [{ reason: 'no file headers for token' }] } });
    expect(await renewWith('7', text, { asFile: false })).toMatchObject({ status: 400, body: { errors: [{ reason: 'no file headers for token' }] } });
    expect(state.uploads).toEqual([]);
  });

  it('404 for a token Fleet does not have', async () => {
    const text = issueToken(world, 'LOC-3001', { revokeOthers: false });
    for (const id of ['8', 'abc']) expect((await renewWith(id, text)).status).toBe(404);
  });

  it('reads the token part exactly, whitespace and line breaks inside it included', async () => {
    const { contentType, body } = await multipart((form) => {
      form.append('note', 'first');
      form.append('token', new File(['  line one\r\nline two\n'], 't.vpptoken'));
    });
    const parts = parseMultipart(contentType, body);
    expect(parts).toEqual([
      { name: 'note', content: 'first' },
      { name: 'token', fileName: 't.vpptoken', content: '  line one\r\nline two\n' },
    ]);
    expect(parseMultipart('multipart/form-data', body)).toBe('malformed');
    expect(parseMultipart('text/plain', body)).toBe('not-multipart');
  });
});

describe('Fleet stand-in: faults', () => {
  it('401, 403, 429 with Retry-After, 500 and hang, each used up after `times`, optionally for one route', () => {
    state.faults.push(
      { route: 'renew', status: 500, times: 1 },
      { status: 429, times: 1, retryAfter: 2 },
      { status: 403, times: 1 },
      { status: 401, times: 1 },
      { hang: true, times: 1 },
    );
    const first = reply(call('GET', '/api/v1/fleet/vpp_tokens'));
    expect(first).toMatchObject({ status: 429, headers: { 'retry-after': '2' } });
    expect(reply(call('GET', '/api/v1/fleet/vpp_tokens'))).toMatchObject({ status: 403, body: { errors: [{ reason: 'forbidden' }] } });
    expect(reply(call('GET', '/api/v1/fleet/vpp_tokens')).status).toBe(401);
    expect(call('GET', '/api/v1/fleet/vpp_tokens')).toBe('hang');
    expect(reply(call('GET', '/api/v1/fleet/vpp_tokens')).status).toBe(200);
    expect(reply(call('PATCH', '/api/v1/fleet/vpp_tokens/7/renew')).status).toBe(500);
  });

  it('resetFleetState goes back to the seed in place', async () => {
    const tokens = state.tokens;
    state.premium = false;
    state.faults.push({ status: 500, times: 3 });
    state.tokens[0]!.renew_date = '2020-01-01T00:00:00Z';
    resetFleetState(state, world);
    expect(state.tokens).toBe(tokens);
    expect(state.premium).toBe(true);
    expect(state.faults).toEqual([]);
    expect(state.tokens[0]!.renew_date).not.toBe('2020-01-01T00:00:00Z');
  });
});

describe('FleetAdapter against the stand-in, in process', () => {
  /** The adapter's fetch answered by handleFleet, as the sandbox server would. */
  function adapterFor(apiToken = FLEET_API_TOKEN) {
    const seen: Array<{ url: string; contentType: string }> = [];
    const fetchImpl = async (input: RequestInfo | URL, init: RequestInit = {}) => {
      const request = new Request(input, { ...init, signal: null });
      const url = new URL(request.url);
      const body = await request.text();
      seen.push({ url: request.url, contentType: request.headers.get('content-type') ?? '' });
      const answer = handleFleet({ world, state }, { host: url.hostname, method: request.method, url, headers: Object.fromEntries(request.headers), body });
      if (answer === 'hang') throw new Error('hang');
      return new Response(answer.body === undefined ? null : JSON.stringify(answer.body), { status: answer.status, headers: answer.headers });
    };
    const adapter = new FleetAdapter({ serverUrl: `https://${FLEET_HOST}`, apiToken, fetch: fetchImpl as typeof fetch, sleep: async () => {} });
    return { adapter, seen };
  }

  it('lists, renews with the exact file text, and the list then reads done', async () => {
    const { adapter, seen } = adapterFor();
    const listed = await adapter.listTokens();
    expect(listed.ok && listed.value).toEqual([
      expect.objectContaining({ id: '7', locationName: 'Satellite Office', orgName: 'Acme Corp', state: 'ok' }),
    ]);
    const expDate = formatAppleDate(Date.now() + 380 * DAY_MS);
    const text = issueToken(world, 'LOC-3001', { expiresAt: parseAppleDate(expDate) });
    const since = new Date();
    const renewed = await adapter.renew('7', `${text}\n`);
    expect(renewed.ok).toBe(true);
    expect(state.uploads.map((upload) => upload.text)).toEqual([text]);
    expect(seen[1]!.contentType).toMatch(/^multipart\/form-data; boundary=/);
    const after = await adapter.listTokens();
    if (!after.ok) throw new Error(after.error.message);
    expect(adapter.outcome(after.value[0]!, { expiresAt: expDate, since }).state).toBe('done');
  });

  it('maps the stand-in\'s 402, 401 and a refused file', async () => {
    state.premium = false;
    const free = await adapterFor().adapter.listTokens();
    expect(!free.ok && free.error.kind).toBe('needs-premium');
    state.premium = true;
    const wrongKey = await adapterFor('nope').adapter.listTokens();
    expect(!wrongKey.ok && wrongKey.error.kind).toBe('unauthorized');
    const dead = issueToken(world, 'LOC-3001');
    issueToken(world, 'LOC-3001');
    const failed = await adapterFor().adapter.renew('7', dead);
    expect(!failed.ok && failed.error).toMatchObject({ kind: 'server-error', status: 500 });
  });
});
