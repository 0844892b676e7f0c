import { describe, expect, it } from 'vitest';
import { connectedKinds, publishButtonTarget } from '../../../lib/mdm/connected-kinds';
import type { MdmKind } from '../../../lib/mdm/mdm-adapter';

describe('connectedKinds', () => {
  it('lists the Addigy section’s key first, then every connection’s kind', async () => {
    const connections = async () => [{ kind: 'jamf-pro' as const }, { kind: 'addigy' as const }];
    expect(await connectedKinds({ apiKey: async () => 'key', connections })).toEqual(['addigy', 'jamf-pro', 'addigy']);
    expect(await connectedKinds({ apiKey: async () => undefined, connections })).toEqual(['jamf-pro', 'addigy']);
  });

  it('publishes those kinds for the in-page button', async () => {
    const published: MdmKind[][] = [];
    await publishButtonTarget({ apiKey: async () => undefined, connections: async () => [{ kind: 'fleet' }] }, async (kinds) => void published.push(kinds));
    expect(published).toEqual([['fleet']]);
  });
});
