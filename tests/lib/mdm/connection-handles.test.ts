import { beforeEach, describe, expect, it, vi } from 'vitest';
import { fakeBrowser } from 'wxt/testing/fake-browser';
import { connectionHandles } from '../../../lib/mdm/connection-handles';
import { listConnections, loadConnection, removeConnection, saveConnection, saveConnectionSession } from '../../../lib/storage/connections';
import { openTokenRelayDb, resetTokenRelayDbForTests } from '../../../lib/storage/database';

describe('connections: storage and the background’s handles', () => {
  beforeEach(async () => {
    await resetTokenRelayDbForTests();
  });

  it('keeps each connection with its secrets, oldest first; a form left blank keeps the stored secret; Remove deletes both', async () => {
    await saveConnection({ id: 'jamf-1', kind: 'jamf-pro', name: 'Jamf', serverUrl: 'https://acme.jamfcloud.com', clientId: 'c' }, { clientSecret: 's1' });
    await saveConnection({ id: 'fleet-1', kind: 'fleet', name: 'Fleet', serverUrl: 'https://fleet.example.com' }, { apiToken: 't1' });
    await saveConnection({ id: 'jamf-1', kind: 'jamf-pro', name: 'Jamf (Acme)', serverUrl: 'https://acme.jamfcloud.com', clientId: 'c' }, { clientSecret: '' });
    expect((await listConnections()).map((c) => c.name)).toEqual(['Jamf (Acme)', 'Fleet']);
    expect((await loadConnection('jamf-1'))?.secrets).toEqual({ clientSecret: 's1' });
    await saveConnectionSession('jamf-1', { refreshToken: 'r' });
    await removeConnection('jamf-1');
    expect(await loadConnection('jamf-1')).toBeUndefined();
    expect((await listConnections()).map((c) => c.id)).toEqual(['fleet-1']);
  });

  it('lists connections in the order they were added, even when added within one millisecond', async () => {
    vi.useFakeTimers({ now: new Date('2026-11-30T12:00:00.000Z'), toFake: ['Date'] });
    try {
      for (const id of ['zeta', 'alpha', 'mid']) await saveConnection({ id, kind: 'addigy', name: id }, { apiKey: id });
      expect((await listConnections()).map((c) => c.id)).toEqual(['zeta', 'alpha', 'mid']);
    } finally {
      vi.useRealTimers();
    }
  });

  it('the Addigy section’s connection is stored here too, before every other, and only with an Addigy address', async () => {
    await saveConnection({ id: 'fleet-1', kind: 'fleet', name: 'Fleet', serverUrl: 'https://fleet.example.com' }, { apiToken: 't' });
    await saveConnection({ id: 'addigy', kind: 'addigy', name: 'Addigy', serverUrl: 'https://api.eu.addigy.com/api/v2' }, { apiKey: 'k' });
    expect((await listConnections()).map((c) => c.id)).toEqual(['addigy', 'fleet-1']);
    await expect(saveConnection({ id: 'addigy', kind: 'addigy', name: 'Addigy', serverUrl: 'https://attacker.example/api/v2' }, { apiKey: 'k' })).rejects.toThrow(
      /Addigy host/,
    );
    expect((await loadConnection('addigy'))?.connection.serverUrl).toBe('https://api.eu.addigy.com/api/v2');
  });

  it('asks an Addigy connection’s own address, and the browser for it when it is not the default', async () => {
    await saveConnection({ id: 'addigy', kind: 'addigy', name: 'Addigy', serverUrl: 'https://api.eu.addigy.com/api/v2' }, { apiKey: 'k' });
    await saveConnection({ id: 'addigy-2', kind: 'addigy', name: 'Springfield' }, { apiKey: 'k2' });
    const asked: string[][] = [];
    const handles = await connectionHandles({ allowed: async (origins: string[]) => (asked.push(origins), true) });
    expect(asked).toEqual([['https://api.eu.addigy.com/*']]);
    // The Addigy client asks the browser too (lib/mdm/addigy/addigy-host.ts): the user granted the EU host.
    const grants = vi.spyOn(fakeBrowser.permissions, 'contains').mockResolvedValue(true);
    const fetchSpy = vi.spyOn(globalThis, 'fetch').mockImplementation(async () => new Response('[]', { status: 200, headers: { 'content-type': 'application/json' } }));
    await handles[0]!.addigy!(() => undefined).listTokens();
    await handles[1]!.addigy!(() => undefined).listTokens();
    const hosts = fetchSpy.mock.calls.map(([input]) => new URL(input instanceof Request ? input.url : String(input)).host);
    fetchSpy.mockRestore();
    grants.mockRestore();
    expect(hosts).toEqual(['api.eu.addigy.com', 'api.addigy.com']);
  });

  it('sends nothing to a host the browser does not grant, and says which site to allow', async () => {
    await saveConnection({ id: 'jamf-1', kind: 'jamf-pro', name: 'Jamf', serverUrl: 'https://acme.jamfcloud.com', clientId: 'c' }, { clientSecret: 's1' });
    const fetchSpy = vi.spyOn(globalThis, 'fetch');
    const [handle] = await connectionHandles({ allowed: async () => false });
    const list = await handle!.adapter!(() => undefined).listTokens();
    expect(list).toMatchObject({ ok: false, error: { kind: 'bad-settings', message: 'Token Relay is not allowed to reach acme.jamfcloud.com, so nothing was sent to Jamf Pro.' } });
    expect(fetchSpy).not.toHaveBeenCalled();
    fetchSpy.mockRestore();
  });

  it('asks the browser for exactly the connection’s own origins', async () => {
    await saveConnection({ id: 'fleet-1', kind: 'fleet', name: 'Fleet', serverUrl: 'https://fleet.example.com/base' }, { apiToken: 't' });
    await saveConnection({ id: 'intune-1', kind: 'intune', name: 'Intune', tenantId: 't', clientId: 'c' });
    await saveConnection({ id: 'addigy-2', kind: 'addigy', name: 'Springfield' }, { apiKey: 'k2' });
    const asked: string[][] = [];
    const handles = await connectionHandles({ allowed: async (origins: string[]) => (asked.push(origins), true) });
    expect(asked).toEqual([['https://fleet.example.com/*'], ['https://login.microsoftonline.com/*', 'https://graph.microsoft.com/*']]);
    expect(handles.map((h) => [h.connection.id, Boolean(h.adapter), Boolean(h.addigy)])).toEqual([
      ['fleet-1', true, false],
      ['intune-1', true, false],
      // Addigy is an adapter like the others (its writer is the console's); its full client stays for the watch.
      ['addigy-2', true, true],
    ]);
    expect(handles.map((h) => [h.connection.id, h.adapter(() => undefined).writes])).toEqual([
      ['fleet-1', 'api'],
      ['intune-1', 'api'],
      ['addigy-2', 'console'],
    ]);
  });

  it('skips a stored entry that does not fit the schema', async () => {
    await (await openTokenRelayDb()).put('connections', {
      connection: { id: 'x', kind: 'mystery', name: 'X' } as never,
      secrets: {},
      createdAt: '2026-01-01T00:00:00Z',
    });
    expect(await connectionHandles({ allowed: async () => true })).toEqual([]);
  });
});
