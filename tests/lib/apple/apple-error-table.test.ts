import { describe, expect, it, vi } from 'vitest';
import { AppleClient, type AppleProblem } from '../../../lib/apple';

/**
 * Apple's error numbers for the Apps and Books API (v2), as Apple publishes them in the `errorCodes` of its example
 * `GET /mdm/v2/service/config` answer (https://developer.apple.com/documentation/devicemanagement/service-config);
 * the verbatim rows are checked in tests/conformance/vendor-shapes.test.ts. HTTP statuses as domain.md records them.
 */
const TOKEN = 'eyJ0b2tlbiI6IlRFU1QtaW5uZXIiLCJvcmdOYW1lIjoiWCIsImV4cERhdGUiOiIyMDMwIn0=';

function client(status: number, body: unknown) {
  const fetch = vi.fn(async () => new Response(JSON.stringify(body), { status, headers: { 'content-type': 'application/json' } }));
  const apple = new AppleClient({ fetch: fetch as unknown as typeof globalThis.fetch, sleep: async () => {}, random: () => 0.5 });
  return { apple, fetch };
}

async function problemOf(status: number, body: unknown): Promise<{ problem: AppleProblem; calls: number }> {
  const { apple, fetch } = client(status, body);
  const result = await apple.getClientConfig(TOKEN);
  if (result.ok) throw new Error('expected a problem');
  expect(JSON.stringify(result.error)).not.toContain(TOKEN);
  return { problem: result.error, calls: fetch.mock.calls.length };
}

describe("Apple's error table", () => {
  it('9601 “Login required” (HTTP 401) is an invalid token: download a fresh one, no retry', async () => {
    const { problem, calls } = await problemOf(401, { errorNumber: 9601, errorMessage: 'Login required' });
    expect(problem).toMatchObject({ kind: 'invalid', errorNumber: 9601, status: 401 });
    expect(problem.transient).toBeFalsy();
    expect(problem.message).toMatch(/9601/);
    expect(problem.nextStep).toMatch(/Download a fresh token/);
    expect(calls).toBe(1);
  });

  it.each([
    [9621, 'expired'],
    [9622, 'invalid'],
    [9625, 'revoked'],
  ] as const)('%i with a 4xx is Apple refusing the token (%s)', async (errorNumber, kind) => {
    const { problem } = await problemOf(400, { errorNumber, errorMessage: 'as Apple words it' });
    expect(problem).toMatchObject({ kind, errorNumber });
  });

  it.each([500, 502, 503])('a %i whose body carries an error number is Apple’s temporary trouble, retried, never a refusal', async (status) => {
    for (const errorNumber of [9603, 9625, 9621, 9999]) {
      const { problem, calls } = await problemOf(status, { errorNumber, errorMessage: 'Internal error' });
      expect(problem.transient).toBe(true);
      expect(['unreachable', 'rate-limited', 'apple-error']).toContain(problem.kind);
      expect(problem.kind).not.toBe('revoked');
      expect(problem.kind).not.toBe('expired');
      expect(calls).toBeGreaterThan(1);
    }
  });

  it('9646 (too many requests) is retried and reported as busy', async () => {
    const { problem, calls } = await problemOf(429, { errorNumber: 9646, errorMessage: 'Too many requests' });
    expect(problem).toMatchObject({ kind: 'rate-limited', transient: true });
    expect(calls).toBeGreaterThan(1);
  });
});
