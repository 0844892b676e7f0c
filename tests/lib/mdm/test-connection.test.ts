import { describe, expect, it } from 'vitest';
import { browserConnectionTestDeps, testConnection, type ConnectionTestDeps } from '../../../lib/mdm/test-connection';
import { saveAddigySectionKey, saveAddigySectionUrl } from '../../../lib/storage/connections';
import { resetTokenRelayDbForTests } from '../../../lib/storage/database';
import type { ConnectionHandle } from '../../../lib/mdm/connection-handles';
import { err, ok, type Problem, type Result } from '../../../lib/result';

const unreachable = { kind: 'unreachable', message: 'Could not reach Addigy.', nextStep: 'Check the network.' };

function deps(over: Partial<ConnectionTestDeps> & { tokens?: Result<unknown[], Problem> } = {}) {
  const asked: Array<{ baseUrl: string; apiKey: string }> = [];
  const d: ConnectionTestDeps = {
    addigySection: async () => ({ baseUrl: 'https://api.addigy.com', apiKey: 'key-1' }),
    addigyClient: (section) => {
      asked.push(section);
      return { listTokens: async () => over.tokens ?? ok([{}, {}]) };
    },
    siteAccess: { contains: async () => true },
    connections: async () => [],
    ...over,
  };
  return { d, asked };
}

const jamf = (listTokens: () => Promise<unknown>): ConnectionHandle =>
  ({ connection: { id: 'c-jamf', kind: 'jamf-pro', name: 'Jamf' }, adapter: () => ({ listTokens }) }) as unknown as ConnectionHandle;

describe('testConnection', () => {
  it('asks Addigy with the Addigy section’s address and key, and counts its tokens', async () => {
    const { d, asked } = deps();
    expect(await testConnection(undefined, d)).toEqual({ ok: true, note: 'Connected. Addigy lists 2 Apple Apps tokens.' });
    expect(asked).toEqual([{ baseUrl: 'https://api.addigy.com', apiKey: 'key-1' }]);
    expect(await testConnection(undefined, deps({ tokens: ok([{}]) }).d)).toEqual({ ok: true, note: 'Connected. Addigy lists 1 Apple Apps token.' });
  });

  it('says the browser withholds site access when Addigy is unreachable and the host is not granted', async () => {
    const granted: string[][] = [];
    const { d } = deps({ tokens: err(unreachable), siteAccess: { contains: async (o) => (granted.push(o), false) } });
    expect(await testConnection(undefined, d)).toEqual({
      ok: false,
      problem: {
        kind: 'no-site-access',
        message: 'Token Relay is not allowed to reach api.addigy.com, so it could not ask Addigy.',
        nextStep: 'Choose “Allow access to these sites” on this page, or allow Token Relay on that site in the browser’s extension settings.',
      },
    });
    expect(granted).toEqual([['https://api.addigy.com/*']]);
  });

  it('passes Addigy’s own problem on when the host is granted, or the check itself fails', async () => {
    expect(await testConnection(undefined, deps({ tokens: err(unreachable) }).d)).toEqual({ ok: false, problem: unreachable });
    const throwing = deps({ tokens: err(unreachable), siteAccess: { contains: async () => Promise.reject(new Error('no API')) } }).d;
    expect(await testConnection(undefined, throwing)).toEqual({ ok: false, problem: unreachable });
    const refused = { kind: 'unauthorized', message: 'Addigy refused the key.', nextStep: 'Check the key.' };
    expect(await testConnection(undefined, deps({ tokens: err(refused), siteAccess: { contains: async () => false } }).d)).toEqual({
      ok: false,
      problem: refused,
    });
  });

  it('tests a listed connection through its own adapter, named by its MDM', async () => {
    const { d } = deps({ connections: async () => [jamf(async () => ok([{}, {}, {}]))] });
    expect(await testConnection('c-jamf', d)).toEqual({ ok: true, note: 'Connected. Jamf Pro lists 3 Apps and Books tokens.' });
    const problem = { kind: 'unauthorized', message: 'Jamf Pro refused.', nextStep: 'Check the client.' };
    const failing = deps({ connections: async () => [jamf(async () => err(problem))] }).d;
    expect(await testConnection('c-jamf', failing)).toEqual({ ok: false, problem });
  });

  it('tests a listed Addigy connection with Addigy’s client', async () => {
    const handle = { connection: { id: 'c-msp', kind: 'addigy', name: 'Other org' }, addigy: () => ({ listTokens: async () => ok([{}]) }) };
    const { d } = deps({ connections: async () => [handle as unknown as ConnectionHandle] });
    expect(await testConnection('c-msp', d)).toEqual({ ok: true, note: 'Connected. Addigy lists 1 Apps and Books token.' });
  });

  it('says a connection that no longer exists is gone', async () => {
    expect(await testConnection('c-gone', deps().d)).toEqual({
      ok: false,
      problem: { kind: 'unknown-connection', message: 'That connection no longer exists.', nextStep: 'Reload Options.' },
    });
  });

  it('without an id, tests the connection `addigy`: its address and key', async () => {
    await resetTokenRelayDbForTests();
    expect(await browserConnectionTestDeps.addigySection()).toEqual({ baseUrl: 'https://api.addigy.com/api/v2', apiKey: '' });
    await saveAddigySectionKey('key-1');
    await saveAddigySectionUrl('https://api.eu.addigy.com/api/v2');
    expect(await browserConnectionTestDeps.addigySection()).toEqual({ baseUrl: 'https://api.eu.addigy.com/api/v2', apiKey: 'key-1' });
  });
});
