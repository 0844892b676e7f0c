import { describe, expect, it, vi } from 'vitest';
import { fireEvent, render, screen, waitFor } from '@testing-library/preact';
import { OptionsApp, type OptionsDeps } from '../../components/OptionsApp';
import type { IntentReply } from '../../lib/messaging/messages';
import { DEFAULT_SETTINGS, type Settings } from '../../lib/storage/settings';

/** Options backed by an in-memory store, so a test can see exactly what was saved. */
function fakeDeps(overrides: Partial<OptionsDeps> = {}) {
  const stored: { apiKey?: string; settings: Settings } = {
    apiKey: 'stored-key',
    settings: { ...DEFAULT_SETTINGS, reminderDays: [...DEFAULT_SETTINGS.reminderDays] },
  };
  const deps = {
    loadApiKey: vi.fn(async () => stored.apiKey),
    saveApiKey: vi.fn(async (key: string) => {
      stored.apiKey = key;
    }),
    loadSettings: vi.fn(async () => stored.settings),
    saveSettings: vi.fn(async (patch: Partial<Settings>) => (stored.settings = { ...stored.settings, ...patch })),
    requestHostPermission: vi.fn(async (_origin: string) => true),
    testConnection: vi.fn(
      async (): Promise<IntentReply> => ({ ok: true, note: 'Connected. Addigy lists 5 Apple Apps tokens.' }),
    ),
    ...overrides,
  } satisfies OptionsDeps;
  return { deps, stored };
}

async function renderOptions(overrides: Partial<OptionsDeps> = {}) {
  const fake = fakeDeps(overrides);
  render(<OptionsApp deps={fake.deps} />);
  // Loaded: the stored key is in the field.
  await waitFor(() => expect((screen.getByLabelText('API key') as HTMLInputElement).value).toBe('stored-key'));
  return fake;
}

const type = (label: string | RegExp, value: string) => fireEvent.input(screen.getByLabelText(label), { target: { value } });
const status = () => screen.getByRole('status').textContent ?? '';
const save = () => fireEvent.click(screen.getByRole('button', { name: 'Save' }));

describe('OptionsApp', () => {
  it('loads the stored settings and masks the API key unless asked to show it', async () => {
    await renderOptions();
    const key = screen.getByLabelText('API key') as HTMLInputElement;
    expect(key.type).toBe('password');
    expect(key.autocomplete).toBe('off');
    expect((screen.getByLabelText('Addigy API address') as HTMLInputElement).value).toBe(DEFAULT_SETTINGS.addigyBaseUrl);
    expect((screen.getByLabelText(/Remind me/) as HTMLInputElement).value).toBe('30, 14, 7, 1');
    expect((screen.getByLabelText(/Check each token with Apple/) as HTMLInputElement).checked).toBe(true);

    fireEvent.click(screen.getByLabelText(/Show the key/));
    expect(key.type).toBe('text');
    fireEvent.click(screen.getByLabelText(/Show the key/));
    expect(key.type).toBe('password');
  });

  it('saves the key and the settings as typed', async () => {
    const { deps, stored } = await renderOptions();
    type('API key', '  new-key-0002  ');
    type(/Remind me/, '7, 30 14,7');
    fireEvent.click(screen.getByLabelText(/Check each token with Apple/));
    save();

    await waitFor(() => expect(status()).toBe('Saved.'));
    expect(deps.saveApiKey).toHaveBeenCalledWith('  new-key-0002  ');
    expect(stored.settings).toEqual({
      addigyBaseUrl: DEFAULT_SETTINGS.addigyBaseUrl,
      appleVerification: false,
      reminderDays: [30, 14, 7],
    });
    // The default Addigy host is in the manifest: no permission prompt.
    expect(deps.requestHostPermission).not.toHaveBeenCalled();
  });

  it('refuses an address that is not https and saves nothing', async () => {
    const { deps } = await renderOptions();
    for (const address of ['http://api.addigy.com/api/v2', 'api.addigy.com', 'https://user:pass@api.addigy.com/api/v2']) {
      type('Addigy API address', address);
      save();
      await waitFor(() => expect(status()).toMatch(/^Addigy API address: Enter the server’s address, like https:\/\/api\.addigy\.com\/api\/v2\. .*Nothing was saved\.$/));
    }
    expect(deps.saveApiKey).not.toHaveBeenCalled();
    expect(deps.saveSettings).not.toHaveBeenCalled();
    expect(deps.requestHostPermission).not.toHaveBeenCalled();
  });

  it.each([
    'https://*.addigy.com/api/v2',
    'https://*/api/v2',
    'https://%2A.addigy.com/api/v2',
    'https://ap*i.addigy.com/api/v2',
  ])('refuses the wildcard address %s with a plain error, never asking the browser', async (address) => {
    const { deps, stored } = await renderOptions();
    type('Addigy API address', address);
    save();
    await waitFor(() =>
      expect(status()).toBe(
        'Addigy API address: Enter the server’s address, like https://api.addigy.com/api/v2. Wildcards (*) are not allowed: Token Relay asks for access to one server only. Nothing was saved.',
      ),
    );
    expect(deps.requestHostPermission).not.toHaveBeenCalled();
    expect(deps.saveApiKey).not.toHaveBeenCalled();
    expect(deps.saveSettings).not.toHaveBeenCalled();
    expect(stored.settings.addigyBaseUrl).toBe(DEFAULT_SETTINGS.addigyBaseUrl);
  });

  it('asks for permission to reach a non-default host, and saves once it is granted', async () => {
    const { deps, stored } = await renderOptions();
    type('Addigy API address', 'https://api.eu.addigy.com/api/v2/');
    save();

    await waitFor(() => expect(status()).toBe('Saved.'));
    expect(deps.requestHostPermission).toHaveBeenCalledWith('https://api.eu.addigy.com/*');
    expect(stored.settings.addigyBaseUrl).toBe('https://api.eu.addigy.com/api/v2');
    // The field shows the address as it was stored.
    expect((screen.getByLabelText('Addigy API address') as HTMLInputElement).value).toBe('https://api.eu.addigy.com/api/v2');
  });

  it('saves nothing when the permission for a non-default host is denied, and says why', async () => {
    const { deps, stored } = await renderOptions({ requestHostPermission: vi.fn(async () => false) });
    type('API key', 'new-key-0003');
    type('Addigy API address', 'https://staging.addigy.com/api/v2');
    save();

    await waitFor(() => expect(status()).toMatch(/needs permission to reach staging\.addigy\.com/));
    expect(status()).toMatch(/was not saved/);
    expect(deps.requestHostPermission).toHaveBeenCalledWith('https://staging.addigy.com/*');
    expect(deps.saveApiKey).not.toHaveBeenCalled();
    expect(deps.saveSettings).not.toHaveBeenCalled();
    expect(stored).toMatchObject({ apiKey: 'stored-key', settings: { addigyBaseUrl: DEFAULT_SETTINGS.addigyBaseUrl } });
  });

  it('refuses a host that is not Addigy’s own, without asking the browser, and saves nothing', async () => {
    const { deps, stored } = await renderOptions();
    type('Addigy API address', 'https://attacker.example/api/v2');
    save();
    await waitFor(() => expect(status()).toMatch(/only to Addigy’s own addresses .* not to attacker\.example\. Nothing was saved\./));
    expect(deps.requestHostPermission).not.toHaveBeenCalled();
    expect(deps.saveApiKey).not.toHaveBeenCalled();
    expect(stored.settings.addigyBaseUrl).toBe(DEFAULT_SETTINGS.addigyBaseUrl);
  });

  it('says in words where the key and the tokens are sent, from what is stored', async () => {
    await renderOptions();
    const where = () => document.getElementById('where-secrets-go')!.textContent;
    expect(where()).toBe(
      'Your API key is sent only to api.addigy.com. Token files go only to Apple (vpp.itunes.apple.com) and to Addigy, or to the connection below that you confirm a renewal in.',
    );
    type('Addigy API address', 'https://prod.addigy.com/api/v2');
    expect(where()).toMatch(/only to api\.addigy\.com\./);
    save();
    await waitFor(() => expect(where()).toMatch(/only to prod\.addigy\.com\./));
  });

  it.each(['', 'soon', '7, -1', '400', '1.5', '30;14'])('refuses reminder days %j', async (days) => {
    const { deps } = await renderOptions();
    type(/Remind me/, days);
    save();
    await waitFor(() => expect(status()).toMatch(/Reminder days must be whole numbers from 0 to 365/));
    expect(deps.saveSettings).not.toHaveBeenCalled();
    expect(deps.saveApiKey).not.toHaveBeenCalled();
  });

  it('reports what Test connection found', async () => {
    const { deps } = await renderOptions();
    fireEvent.click(screen.getByRole('button', { name: 'Test connection' }));
    await waitFor(() => expect(status()).toBe('Connected. Addigy lists 5 Apple Apps tokens.'));
    expect(deps.testConnection).toHaveBeenCalledTimes(1);
  });

  it('reports Test connection’s problem with what to do, and shows it is busy meanwhile', async () => {
    let answer!: (reply: IntentReply) => void;
    const testConnection = vi.fn(() => new Promise<IntentReply>((resolve) => (answer = resolve)));
    await renderOptions({ testConnection });
    fireEvent.click(screen.getByRole('button', { name: 'Test connection' }));

    const busy = await screen.findByRole('button', { name: 'Testing…' });
    expect((busy as HTMLButtonElement).disabled).toBe(true);
    answer({
      ok: false,
      problem: { kind: 'unauthorized', message: 'Addigy did not accept the API key.', nextStep: 'Paste a valid V2 API key.' },
    });
    await waitFor(() => expect(status()).toBe('Addigy did not accept the API key. Paste a valid V2 API key.'));
    expect((screen.getByRole('button', { name: 'Test connection' }) as HTMLButtonElement).disabled).toBe(false);
  });

  it('tests the key as typed: Test connection saves the form first', async () => {
    const { deps, stored } = await renderOptions({
      testConnection: vi.fn(async (): Promise<IntentReply> => {
        // What the background would read at this moment.
        expect(stored.apiKey).toBe('typed-key-0004');
        return { ok: true, note: 'Connected. Addigy lists 5 Apple Apps tokens.' };
      }),
    });
    type('API key', 'typed-key-0004');
    fireEvent.click(screen.getByRole('button', { name: 'Test connection' }));
    await waitFor(() => expect(status()).toBe('Connected. Addigy lists 5 Apple Apps tokens.'));
    expect(deps.saveApiKey).toHaveBeenCalledWith('typed-key-0004');
  });

  it('does not test a form it refuses to save', async () => {
    const { deps } = await renderOptions();
    type('Addigy API address', 'http://api.addigy.com/api/v2');
    fireEvent.click(screen.getByRole('button', { name: 'Test connection' }));
    await waitFor(() => expect(status()).toMatch(/It must start with https:\/\//));
    expect(deps.testConnection).not.toHaveBeenCalled();
    expect((screen.getByRole('button', { name: 'Test connection' }) as HTMLButtonElement).disabled).toBe(false);
  });
});
