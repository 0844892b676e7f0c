import { beforeEach, describe, expect, it } from 'vitest';
import { openDB } from 'idb';
import { isAddigyHost } from '../../../lib/mdm/addigy/addigy-host';
import { listConnections, loadConnection, saveConnection } from '../../../lib/storage/connections';
import { openTokenRelayDb, resetTokenRelayDbForTests, type TokenRelayDb } from '../../../lib/storage/database';
import { addigyServerUrl, migratePrimaryConnection } from '../../../lib/storage/primary-connection';
import { loadSettings } from '../../../lib/storage/settings';

/**
 * What a version before connections left in the database: the Addigy section's key and address in `secrets`, and
 * maybe connections added in Options' list. Written with a raw handle, as the old version did, before Token Relay
 * opens the database (which is when the migration runs).
 */
async function oldVersionLeft(secrets: { addigyApiKey?: string; addigyBaseUrl?: string }, connections: TokenRelayDb['connections']['value'][] = []) {
  const db = await openDB<TokenRelayDb>('token-relay', 2, {
    upgrade(raw) {
      raw.createObjectStore('renewals', { keyPath: 'id' }).createIndex('updatedAt', 'updatedAt');
      raw.createObjectStore('secrets');
      raw.createObjectStore('connections', { keyPath: 'connection.id' });
    },
  });
  for (const [key, value] of Object.entries(secrets)) await db.put('secrets', value, key as 'addigyApiKey');
  for (const entry of connections) await db.put('connections', entry);
  db.close();
}

const stored = async () => (await openTokenRelayDb()).getAll('connections');
const oldSecrets = async () => {
  const db = await openTokenRelayDb();
  return { key: await db.get('secrets', 'addigyApiKey'), url: await db.get('secrets', 'addigyBaseUrl') };
};
const springfield = { connection: { id: 'addigy-2', kind: 'addigy' as const, name: 'Springfield' }, secrets: { apiKey: 'key-2' }, createdAt: '2026-01-10T09:00:00.000Z' };
const fleet = { connection: { id: 'fleet-1', kind: 'fleet' as const, name: 'Fleet', serverUrl: 'https://fleet.example.com' }, secrets: { apiToken: 't' }, createdAt: '2026-01-05T09:00:00.000Z' };

describe('the Addigy section’s key becomes the connection `addigy`, once, losing nothing', () => {
  beforeEach(async () => {
    await resetTokenRelayDbForTests();
  });

  it('a key alone becomes the connection `addigy` with that key, and the old entries are gone', async () => {
    await oldVersionLeft({ addigyApiKey: 'key-1' });
    expect(await stored()).toEqual([
      { connection: { id: 'addigy', kind: 'addigy', name: 'Addigy' }, secrets: { apiKey: 'key-1' }, createdAt: expect.any(String) },
    ]);
    expect(await oldSecrets()).toEqual({ key: undefined, url: undefined });
  });

  it('a key with its own Addigy address keeps the address on the connection', async () => {
    await oldVersionLeft({ addigyApiKey: 'key-1', addigyBaseUrl: 'https://api.eu.addigy.com/api/v2' });
    expect(await loadConnection('addigy')).toMatchObject({
      connection: { id: 'addigy', kind: 'addigy', name: 'Addigy', serverUrl: 'https://api.eu.addigy.com/api/v2' },
      secrets: { apiKey: 'key-1' },
    });
    expect((await loadSettings()).addigyBaseUrl).toBe('https://api.eu.addigy.com/api/v2');
    expect(await oldSecrets()).toEqual({ key: undefined, url: undefined });
  });

  it('the default address is not written on the connection', async () => {
    await oldVersionLeft({ addigyApiKey: 'key-1', addigyBaseUrl: 'https://api.addigy.com/api/v2' });
    expect((await loadConnection('addigy'))?.connection).toEqual({ id: 'addigy', kind: 'addigy', name: 'Addigy' });
  });

  it('an address alone (the key was cleared) is kept too, with no key', async () => {
    await oldVersionLeft({ addigyBaseUrl: 'https://api.eu.addigy.com/api/v2' });
    expect(await loadConnection('addigy')).toMatchObject({ connection: { serverUrl: 'https://api.eu.addigy.com/api/v2' }, secrets: {} });
  });

  it('with connections already in the list, it becomes the first', async () => {
    await oldVersionLeft({ addigyApiKey: 'key-1' }, [springfield, fleet]);
    expect((await listConnections()).map((c) => c.id)).toEqual(['addigy', 'fleet-1', 'addigy-2']);
    expect((await stored()).find((e) => e.connection.id === 'addigy')!.createdAt < fleet.createdAt).toBe(true);
    // Nothing else changed.
    expect(await loadConnection('addigy-2')).toEqual(springfield);
    expect(await loadConnection('fleet-1')).toEqual(fleet);
  });

  it('without a key, writes nothing', async () => {
    await oldVersionLeft({}, [fleet]);
    expect(await stored()).toEqual([fleet]);
  });

  it('run twice, there is one connection `addigy`', async () => {
    await oldVersionLeft({ addigyApiKey: 'key-1' }, [fleet]);
    const db = await openTokenRelayDb();
    const before = await stored();
    expect(await migratePrimaryConnection(db)).toBe('nothing-to-do');
    expect(await stored()).toEqual(before);
    expect(before.map((e) => e.connection.id).sort()).toEqual(['addigy', 'fleet-1']);
  });

  it('leaves a connection `addigy` already stored untouched', async () => {
    const mine = { connection: { id: 'addigy', kind: 'addigy' as const, name: 'Addigy' }, secrets: { apiKey: 'new-key' }, createdAt: '2026-02-01T00:00:00.000Z' };
    await oldVersionLeft({ addigyApiKey: 'old-key' }, [mine]);
    expect(await stored()).toEqual([mine]);
  });

  it('a fresh install keeps its connection `addigy` first when the key is saved after other connections', async () => {
    await saveConnection({ id: 'fleet-1', kind: 'fleet', name: 'Fleet', serverUrl: 'https://fleet.example.com' }, { apiToken: 't' });
    await saveConnection({ id: 'addigy', kind: 'addigy', name: 'Addigy' }, { apiKey: 'k' });
    expect((await listConnections()).map((c) => c.id)).toEqual(['addigy', 'fleet-1']);
  });

  it('an address that is not an Addigy host is not carried over (the key then goes to api.addigy.com only)', async () => {
    await oldVersionLeft({ addigyApiKey: 'key-1', addigyBaseUrl: 'https://attacker.example/api/v2' });
    expect((await loadConnection('addigy'))?.connection).toEqual({ id: 'addigy', kind: 'addigy', name: 'Addigy' });
    expect(await oldSecrets()).toEqual({ key: undefined, url: undefined });
  });

  it('storage’s Addigy host rule is the adapter’s', () => {
    for (const host of ['addigy.com', 'api.addigy.com', 'api.eu.addigy.com', 'prod.addigy.com', 'evil-addigy.com', 'addigy.com.evil.io', 'example.com']) {
      expect(addigyServerUrl(`https://${host}/api/v2`) !== undefined, host).toBe(isAddigyHost(host));
    }
  });
});
