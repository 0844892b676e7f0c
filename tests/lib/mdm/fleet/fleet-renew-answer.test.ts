import { describe, expect, it } from 'vitest';
import { FleetAdapter, fleetVppTokenAnswerSchema } from '../../../../lib/mdm/fleet';

/**
 * Fleet's renew answer as Fleet's own code writes it.
 * - Server: fleetdm/fleet server/service/vpp.go, `patchVPPTokenRenewResponse` (also server/fleet/api_vpp.go,
 *   `PatchVPPTokenRenewResponse`): `Status()` is `http.StatusAccepted` (202) and the body is `{"token": VPPTokenDB}`.
 * - VPPTokenDB's JSON (fleetdm/fleet server/fleet/apple_mdm.go): id, org_name, location, renew_date, teams [{team_id, name}].
 * - Front end and REST docs: fleetdm/fleet frontend/services/entities/mdm_apple.ts, `IRenewVppTokenResponse`
 *   = `{ vpp_token: IMdmVppToken }`, with 200.
 */
const FLEET_TOKEN_DB = {
  id: 1,
  org_name: 'Fleet Device Management Inc.',
  location: 'Fleet Location One',
  renew_date: '2025-08-28T19:12:04Z',
  teams: [{ team_id: 1, name: 'Workstations' }],
};

const TOKEN_TEXT = btoa(JSON.stringify({ token: 'c2VjcmV0LXBhcnQ=', expDate: '2025-08-28T12:12:04-0700', orgName: 'Fleet Device Management Inc.' }));

function adapterAnswering(status: number, body: unknown) {
  const calls: string[] = [];
  const fetch = (async (input: RequestInfo | URL, init?: RequestInit) => {
    calls.push(`${init?.method ?? 'GET'} ${String(input)}`);
    return new Response(JSON.stringify(body), { status, headers: { 'content-type': 'application/json' } });
  }) as typeof globalThis.fetch;
  const adapter = new FleetAdapter({ serverUrl: 'https://fleet.example.com', apiToken: 'api-token', fetch, sleep: async () => {}, now: () => Date.parse('2025-01-01T00:00:00Z') });
  return { adapter, calls };
}

describe("Fleet's renew answer", () => {
  it('reads the server’s 202 {"token": {...}}', async () => {
    const { adapter, calls } = adapterAnswering(202, { token: FLEET_TOKEN_DB });
    const renewed = await adapter.renew('1', TOKEN_TEXT);
    if (!renewed.ok) throw new Error(renewed.error.message);
    expect(renewed.value).toMatchObject({ id: '1', locationName: 'Fleet Location One', orgName: 'Fleet Device Management Inc.', expiresAt: '2025-08-28T19:12:04.000Z' });
    expect(calls).toEqual(['PATCH https://fleet.example.com/api/v1/fleet/vpp_tokens/1/renew']);
  });

  it('reads the documented 200 {"vpp_token": {...}} too', async () => {
    const { adapter } = adapterAnswering(200, { vpp_token: FLEET_TOKEN_DB });
    const renewed = await adapter.renew('1', TOKEN_TEXT);
    expect(renewed.ok && renewed.value).toMatchObject({ id: '1', locationName: 'Fleet Location One' });
  });

  it('the schema takes both wrappers to the same token', () => {
    const a = fleetVppTokenAnswerSchema.parse({ token: FLEET_TOKEN_DB });
    const b = fleetVppTokenAnswerSchema.parse({ vpp_token: FLEET_TOKEN_DB });
    expect(a).toEqual(b);
    expect(a.id).toBe('1');
  });
});
