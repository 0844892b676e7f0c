import { beforeEach, describe, expect, it } from 'vitest';
import { listConnections, saveConnection } from '../../../lib/storage/connections';
import { resetTokenRelayDbForTests } from '../../../lib/storage/database';

describe('saveConnection: only a plain server address is kept', () => {
  beforeEach(async () => {
    await resetTokenRelayDbForTests();
  });

  it.each(['https://*', 'https://*.example.com', 'https://%2A', 'https://a@fleet.example.com', 'https://10.0.0.5', 'http://fleet.example.com'])(
    'refuses %s and stores nothing',
    async (serverUrl) => {
      await expect(saveConnection({ id: 'fleet-1', kind: 'fleet', name: 'Fleet', serverUrl }, { apiToken: 't' })).rejects.toThrow(/plain host name/);
      expect(await listConnections()).toEqual([]);
    },
  );

  it('keeps a plain one, with its port and path', async () => {
    await saveConnection({ id: 'jamf-1', kind: 'jamf-pro', name: 'Jamf', serverUrl: 'https://jamf.example.edu:8443/jss', clientId: 'c' }, { clientSecret: 's' });
    expect((await listConnections()).map((c) => c.serverUrl)).toEqual(['https://jamf.example.edu:8443/jss']);
  });
});
