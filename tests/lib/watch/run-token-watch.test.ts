import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest';
import { fakeBrowser } from 'wxt/testing/fake-browser';
import { runTokenWatch } from '../../../lib/watch/run-token-watch';
import { saveAddigySectionKey, saveAddigySectionUrl, saveConnection } from '../../../lib/storage/connections';
import { resetTokenRelayDbForTests } from '../../../lib/storage/database';

/** Which Addigy host each key was sent to, as the background's watch asks. */
function recordAddigyCalls() {
  const calls: string[] = [];
  vi.spyOn(globalThis, 'fetch').mockImplementation(async (input, init) => {
    const url = new URL(input instanceof Request ? input.url : String(input));
    const key = new Headers(init?.headers).get('x-api-key');
    calls.push(`${url.host} ${key}`);
    return new Response('[]', { status: 200, headers: { 'content-type': 'application/json' } });
  });
  return calls;
}

describe('runTokenWatch reads the Addigy section’s key from the connection `addigy`', () => {
  beforeEach(async () => {
    fakeBrowser.reset();
    await resetTokenRelayDbForTests();
  });
  afterEach(() => vi.restoreAllMocks());

  it('asks Addigy with the section’s key, at its own address, and every other connection with its own', async () => {
    vi.spyOn(fakeBrowser.permissions, 'contains').mockResolvedValue(true);
    await saveConnection({ id: 'addigy-2', kind: 'addigy', name: 'Springfield' }, { apiKey: 'key-2' });
    await saveAddigySectionKey('key-1');
    await saveAddigySectionUrl('https://api.eu.addigy.com/api/v2');
    const calls = recordAddigyCalls();
    await runTokenWatch(async () => undefined);
    expect([...new Set(calls)].sort()).toEqual(['api.addigy.com key-2', 'api.eu.addigy.com key-1']);
  });

  it('does not ask Addigy for a section that keeps only an address', async () => {
    vi.spyOn(fakeBrowser.permissions, 'contains').mockResolvedValue(true);
    await saveAddigySectionUrl('https://api.eu.addigy.com/api/v2');
    await saveConnection({ id: 'addigy-2', kind: 'addigy', name: 'Springfield' }, { apiKey: 'key-2' });
    const calls = recordAddigyCalls();
    const snapshot = await runTokenWatch(async () => undefined);
    expect([...new Set(calls)]).toEqual(['api.addigy.com key-2']);
    // No "no API key" problem for a section nobody asked.
    expect(snapshot.problem).toBeUndefined();
  });
});
