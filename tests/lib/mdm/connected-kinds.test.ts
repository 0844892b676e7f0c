import { beforeEach, describe, expect, it } from 'vitest';
import { saveAddigySectionKey, saveAddigySectionUrl, saveConnection } from '../../../lib/storage/connections';
import { resetTokenRelayDbForTests } from '../../../lib/storage/database';
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

describe('connectedKinds from storage', () => {
  beforeEach(async () => {
    await resetTokenRelayDbForTests();
  });

  it('counts the Addigy section’s connection, first, only while it holds its key', async () => {
    await saveConnection({ id: 'fleet-1', kind: 'fleet', name: 'Fleet', serverUrl: 'https://fleet.example.com' }, { apiToken: 't' });
    // The section keeps only an address: not a connection to ask.
    await saveAddigySectionUrl('https://api.eu.addigy.com/api/v2');
    expect(await connectedKinds()).toEqual(['fleet']);
    await saveAddigySectionKey('key-1');
    expect(await connectedKinds()).toEqual(['addigy', 'fleet']);
    await saveAddigySectionKey('');
    expect(await connectedKinds()).toEqual(['fleet']);
  });
});
