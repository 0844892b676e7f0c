import { beforeEach, describe, expect, it, vi } from 'vitest';
import { fireEvent, render, screen, waitFor, within } from '@testing-library/preact';
import { openDB } from 'idb';
import { OptionsApp, type OptionsDeps } from '../../components/OptionsApp';
import type { ConnectionsDeps } from '../../components/ConnectionsSection';
import {
  listConnections,
  loadAddigySectionKey,
  loadConnection,
  newConnectionId,
  removeConnection,
  saveAddigySectionKey,
  saveConnection,
} from '../../lib/storage/connections';
import { resetTokenRelayDbForTests, type TokenRelayDb } from '../../lib/storage/database';
import { loadSettings, saveSettings } from '../../lib/storage/settings';

/** Options over the real storage (fake-indexeddb), wired as entrypoints/options/main.tsx wires it. */
function storedDeps(): OptionsDeps & { connections: ConnectionsDeps } {
  return {
    loadApiKey: loadAddigySectionKey,
    saveApiKey: saveAddigySectionKey,
    loadSettings,
    saveSettings,
    requestHostPermission: vi.fn(async () => true),
    testConnection: vi.fn(async () => ({ ok: true as const, note: 'Connected.' })),
    connections: {
      listConnections,
      saveConnection,
      removeConnection,
      newConnectionId,
      requestAccess: async () => true,
      signInWithMicrosoft: async () => ({ ok: true as const }),
      testConnection: async () => ({ ok: true as const }),
      microsoftRedirectUrl: () => 'https://abcdefghijklmnop.chromiumapp.org/',
    },
  };
}

const field = (label: string) => screen.getByLabelText(label) as HTMLInputElement;
const type = (label: string, value: string) => fireEvent.input(field(label), { target: { value } });
const status = () => screen.getAllByRole('status')[0]!.textContent ?? '';
const save = () => fireEvent.click(screen.getByRole('button', { name: 'Save' }));
const connectionsList = () => within(screen.getByRole('region', { name: 'Connections' }));

describe('Options’ Addigy section edits the connection `addigy`', () => {
  beforeEach(async () => {
    await resetTokenRelayDbForTests();
  });

  it('a fresh install saves the key as the connection `addigy`, with no address when it is the default', async () => {
    render(<OptionsApp deps={storedDeps()} />);
    await waitFor(() => expect(field('Addigy API address').value).toBe('https://api.addigy.com/api/v2'));
    expect(field('API key').value).toBe('');
    type('API key', '  key-0001  ');
    save();
    await waitFor(() => expect(status()).toBe('Saved.'));
    expect(await loadConnection('addigy')).toEqual({
      connection: { id: 'addigy', kind: 'addigy', name: 'Addigy' },
      secrets: { apiKey: 'key-0001' },
      createdAt: expect.any(String),
    });
  });

  it('saves a non-default address on the connection, and clearing the key keeps the address with no key', async () => {
    render(<OptionsApp deps={storedDeps()} />);
    await waitFor(() => expect(field('Addigy API address').value).toBe('https://api.addigy.com/api/v2'));
    type('API key', 'key-0002');
    type('Addigy API address', 'https://api.eu.addigy.com/api/v2');
    save();
    await waitFor(() => expect(status()).toBe('Saved.'));
    expect(await loadConnection('addigy')).toMatchObject({
      connection: { id: 'addigy', kind: 'addigy', name: 'Addigy', serverUrl: 'https://api.eu.addigy.com/api/v2' },
      secrets: { apiKey: 'key-0002' },
    });

    type('API key', '');
    save();
    await waitFor(() => expect(screen.getAllByRole('status')[0]!.textContent).toBe('Saved.'));
    await waitFor(async () => expect((await loadConnection('addigy'))?.secrets).toEqual({}));
    expect(await loadAddigySectionKey()).toBeUndefined();
    expect((await loadSettings()).addigyBaseUrl).toBe('https://api.eu.addigy.com/api/v2');

    // Back to the default address with no key: nothing is left to keep.
    type('Addigy API address', 'https://api.addigy.com/api/v2');
    save();
    await waitFor(async () => expect(await loadConnection('addigy')).toBeUndefined());
  });

  it('a user whose key an older version stored sees it, and its address, after the update', async () => {
    const old = await openDB<TokenRelayDb>('token-relay', 2, {
      upgrade(raw) {
        raw.createObjectStore('renewals', { keyPath: 'id' }).createIndex('updatedAt', 'updatedAt');
        raw.createObjectStore('secrets');
        raw.createObjectStore('connections', { keyPath: 'connection.id' });
      },
    });
    await old.put('secrets', 'key-from-before', 'addigyApiKey');
    await old.put('secrets', 'https://api.eu.addigy.com/api/v2', 'addigyBaseUrl');
    old.close();

    render(<OptionsApp deps={storedDeps()} />);
    await waitFor(() => expect(field('API key').value).toBe('key-from-before'));
    expect(field('Addigy API address').value).toBe('https://api.eu.addigy.com/api/v2');
    expect(document.getElementById('where-secrets-go')!.textContent).toMatch(/^Your API key is sent only to api\.eu\.addigy\.com\./);
  });

  it('the connections list does not show the connection `addigy` a second time', async () => {
    await saveAddigySectionKey('key-0003');
    await saveConnection({ id: 'addigy-2', kind: 'addigy', name: 'Springfield' }, { apiKey: 'key-2' });
    expect((await listConnections()).map((c) => c.id)).toEqual(['addigy', 'addigy-2']);
    render(<OptionsApp deps={storedDeps()} />);
    await connectionsList().findByRole('region', { name: 'Springfield' });
    await waitFor(() => expect(field('API key').value).toBe('key-0003'));
    expect(connectionsList().getAllByRole('region')).toHaveLength(1);
    expect(connectionsList().queryByRole('region', { name: 'Addigy' })).toBeNull();
  });
});
