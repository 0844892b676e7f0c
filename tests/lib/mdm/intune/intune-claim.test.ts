import { describe, expect, it } from 'vitest';
import { IntuneAdapter } from '../../../../lib/mdm/intune';
import { INTUNE_CLIENT_ID, INTUNE_TENANT_ID } from '../../../sandbox/microsoft.mjs';
import { sandboxMicrosoft } from './sandbox-fetch';

// Microsoft Graph beta: `claimTokenManagementFromExternalMdm` is a Boolean property of vppToken ("Update vppToken",
// https://learn.microsoft.com/graph/api/intune-onboarding-vpptoken-update?view=graph-rest-beta; the
// -ClaimTokenManagementFromExternalMdm switch of Update-MgBetaDeviceAppManagementVppToken), not a separate action.
describe('IntuneAdapter.reclaim against the stand-in', () => {
  it('PATCHes the beta vppToken with claimTokenManagementFromExternalMdm: true; the token is no longer assigned elsewhere', async () => {
    const ms = sandboxMicrosoft();
    const token = ms.state.vppTokens[0]!;
    token.state = 'assignedToExternalMDM';
    const accessToken = 'claim-test-access-token';
    ms.state.accessTokens.push({ token: accessToken, expiresAt: Date.now() + 3_600_000 });
    const adapter = new IntuneAdapter({
      tenantId: INTUNE_TENANT_ID,
      clientId: INTUNE_CLIENT_ID,
      fetch: ms.fetch,
      sleep: async () => undefined,
      session: { load: async () => ({ accessToken, expiresAt: Date.now() + 3_600_000 }), save: async () => undefined },
    });
    const claimed = await adapter.reclaim(token.id);
    expect(claimed.ok).toBe(true);
    const patch = ms.requests.find((r) => r.method === 'PATCH')!;
    expect(patch.url).toBe(`https://graph.microsoft.com/beta/deviceAppManagement/vppTokens/${token.id}`);
    expect(JSON.parse(patch.body)).toEqual({ '@odata.type': '#microsoft.graph.vppToken', claimTokenManagementFromExternalMdm: true });
    expect(ms.state.claims).toHaveLength(1);
    expect(token.state).toBe('valid');
  });
});
