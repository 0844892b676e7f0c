import { describe, expect, it } from 'vitest';
import { connectedKinds, publishButtonTarget } from '../../../lib/mdm/connected-kinds';
import type { MdmKind } from '../../../lib/mdm/mdm-adapter';

describe('connectedKinds', () => {
  it('lists the Addigy section’s key first, then every connection’s kind', async () => {
    const others = [{ kind: 'jamf-pro' as const }, { kind: 'addigy' as const }];
    // The Addigy section's connection is the first one stored.
    expect(await connectedKinds({ connections: async () => [{ kind: 'addigy' as const }, ...others] })).toEqual(['addigy', 'jamf-pro', 'addigy']);
    expect(await connectedKinds({ connections: async () => others })).toEqual(['jamf-pro', 'addigy']);
  });

  it('publishes those kinds for the in-page button', async () => {
    const published: MdmKind[][] = [];
    await publishButtonTarget({ connections: async () => [{ kind: 'fleet' }] }, async (kinds) => void published.push(kinds));
    expect(published).toEqual([['fleet']]);
  });
});
