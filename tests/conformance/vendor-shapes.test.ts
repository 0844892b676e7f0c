import { readFileSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { describe, expect, it } from 'vitest';
import { parseVppToken } from '../../lib/token/parse-vpp-token';
import { fleetVppTokenAnswerSchema, fleetVppTokenListSchema } from '../../lib/mdm/fleet';
import { appleErrorBodySchema } from '../../lib/apple/schemas';
import { AppleClient } from '../../lib/apple';

const TOKEN_TEXT = 'eyJ0b2tlbiI6IlRFU1QtaW5uZXIiLCJvcmdOYW1lIjoiWCIsImV4cERhdGUiOiIyMDMwIn0=';

const FIXTURES = join(dirname(fileURLToPath(import.meta.url)), '../fixtures/token');
const fixture = (name: string) => readFileSync(join(FIXTURES, name), 'utf8');
const NOW = new Date('2026-12-06T00:00:00Z');

// The .vpptoken shape: base64 of {token, expDate, orgName} (fleetdm/fleet server/fleet/apple_mdm.go, VPPTokenRaw),
// with dates as Fleet parses them, VPPTimeFormat "2006-01-02T15:04:05Z0700": a colon-less offset or Z.
// These fixtures are built in that published shape (not copies of real tokens).
describe('conformance: the token parser on the published .vpptoken shapes', () => {
  it.each([
    ['token-offset-0700.vpptoken', '2031-08-28T19:12:04.000Z', 'Fleet Device Management Inc.'],
    ['token-non-latin-org.vpptoken', '2031-03-01T00:00:00.000Z', '株式会社アクメ'],
    ['token-z-date.vpptoken', '2031-11-08T22:33:22.000Z', 'Acme Corp'],
    ['token-pretty-printed.vpptoken', '2031-11-08T22:33:22.000Z', 'Acme Corp'],
  ])('%s', (name, expiresAt, orgName) => {
    const parsed = parseVppToken(fixture(name), { now: NOW });
    if (!parsed.ok) throw new Error(parsed.error.message);
    expect(parsed.value.expiresAt).toBe(expiresAt);
    expect(parsed.value.orgName).toBe(orgName);
  });
});

describe("conformance: Fleet's wire shapes", () => {
  // fleetdm/fleet server/fleet/apple_mdm.go, VPPTokenDB JSON tags; the list wraps them in `vpp_tokens`.
  const row = { id: 1, org_name: 'Fleet Device Management Inc.', location: 'Fleet Location One', renew_date: '2025-08-28T19:12:04Z', teams: [{ team_id: 1, name: 'Workstations' }] };
  it('list', () => expect(fleetVppTokenListSchema.safeParse({ vpp_tokens: [row] }).success).toBe(true));
  it('renew: server 202 {token} and docs 200 {vpp_token}', () => {
    expect(fleetVppTokenAnswerSchema.parse({ token: row }).id).toBe('1');
    expect(fleetVppTokenAnswerSchema.parse({ vpp_token: row }).id).toBe('1');
  });
});

describe("conformance: Apple's error body and its published error numbers", () => {
  // Apple's own example answer of `GET https://vpp.itunes.apple.com/mdm/v2/service/config`, its `errorCodes` list
  // (https://developer.apple.com/documentation/devicemanagement/service-config, "Example Response"). The rows Token
  // Relay acts on, with Apple's words verbatim; each comes back as `{errorNumber, errorMessage}` (ErrorResponse).
  const PUBLISHED = [
    { errorNumber: 9601, errorMessage: 'Login required.' },
    { errorNumber: 9603, errorMessage: 'Internal error.' },
    {
      errorNumber: 9621,
      errorMessage:
        "The token has expired. You need to generate a new token online using your organization's account at either school.apple.com or business.apple.com.",
    },
    { errorNumber: 9625, errorMessage: 'The server has revoked the sToken.' },
    { errorNumber: 9646, errorMessage: 'There are too many recent requests. Try again momentarily.' },
    {
      errorNumber: 9722,
      errorMessage:
        "This request contains an invalid authorization header. Change the request to send an authorization header that matches the format 'Bearer {sToken}'.",
    },
  ] as const;

  it.each(PUBLISHED)('reads $errorNumber', (body) => {
    expect(appleErrorBodySchema.parse(body)).toMatchObject(body);
  });

  // What Token Relay does with each: 9601 comes with HTTP 401, refusals as 4xx; Apple may also answer 200 with an
  // error body (domain.md), as 9603 here, which is still its temporary trouble.
  const EXPECTED: Record<number, { status: number; kind: string; transient: boolean }> = {
    9601: { status: 401, kind: 'invalid', transient: false },
    9603: { status: 200, kind: 'apple-error', transient: true },
    9621: { status: 400, kind: 'expired', transient: false },
    9625: { status: 400, kind: 'revoked', transient: false },
    9646: { status: 429, kind: 'rate-limited', transient: true },
    9722: { status: 400, kind: 'malformed-request', transient: false },
  };
  it.each(PUBLISHED)('maps $errorNumber to what the admin should do', async (body) => {
    const expected = EXPECTED[body.errorNumber]!;
    const fetch = async () => new Response(JSON.stringify(body), { status: expected.status, headers: { 'content-type': 'application/json' } });
    const apple = new AppleClient({ fetch: fetch as unknown as typeof globalThis.fetch, sleep: async () => {}, random: () => 0.5 });
    const answer = await apple.getClientConfig(TOKEN_TEXT);
    if (answer.ok) throw new Error('expected a problem');
    expect(answer.error.kind).toBe(expected.kind);
    expect(Boolean(answer.error.transient)).toBe(expected.transient);
    expect(JSON.stringify(answer.error)).not.toContain(TOKEN_TEXT);
  });
});
