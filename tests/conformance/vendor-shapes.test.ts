import { readFileSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { describe, expect, it } from 'vitest';
import { parseVppToken } from '../../lib/token/parse-vpp-token';
import { fleetVppTokenAnswerSchema, fleetVppTokenListSchema } from '../../lib/mdm/fleet';
import { appleErrorBodySchema } from '../../lib/apple/schemas';

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

describe("conformance: Apple's error body", () => {
  // https://developer.apple.com/documentation/devicemanagement/handling-error-responses : {errorNumber, errorMessage}
  it('reads 9601 Login required', () => {
    expect(appleErrorBodySchema.parse({ errorNumber: 9601, errorMessage: 'Login required' }).errorNumber).toBe(9601);
  });
});
