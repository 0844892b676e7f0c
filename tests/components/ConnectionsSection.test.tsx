import { describe, expect, it, vi } from 'vitest';
import { fireEvent, render, screen, waitFor, within } from '@testing-library/preact';
import { ConnectionsSection, type ConnectionsDeps } from '../../components/ConnectionsSection';
import type { Connection, ConnectionSecrets } from '../../lib/storage/connections';
import type { IntentReply } from '../../lib/messaging/messages';

function fakeDeps(overrides: Partial<ConnectionsDeps> = {}) {
  const saved: Array<{ connection: Connection; secrets: ConnectionSecrets }> = [];
  let n = 0;
  const deps = {
    listConnections: vi.fn(async () => saved.map((s) => s.connection)),
    saveConnection: vi.fn(async (connection: Connection, secrets: ConnectionSecrets) => void saved.push({ connection, secrets })),
    removeConnection: vi.fn(async (id: string) => void saved.splice(saved.findIndex((s) => s.connection.id === id), 1)),
    newConnectionId: vi.fn((kind: string) => `${kind}-${++n}`),
    requestAccess: vi.fn(async (_request: { origins: string[]; permissions?: string[] }) => true),
    signInWithMicrosoft: vi.fn(async () => ({ ok: true as const })),
    testConnection: vi.fn(async (): Promise<IntentReply> => ({ ok: true, note: 'Connected. Jamf Pro lists 2 Apps and Books tokens.' })),
    microsoftRedirectUrl: () => 'https://abcdefghijklmnop.chromiumapp.org/',
    onChanged: vi.fn(),
    ...overrides,
  } satisfies ConnectionsDeps;
  return { deps, saved };
}

const type = (label: string, value: string) => fireEvent.input(screen.getByLabelText(label, { exact: true }), { target: { value } });
const form = () => within(screen.getByRole('form', { name: 'Add connection' }));

async function openForm(kind: string) {
  fireEvent.click(screen.getByRole('button', { name: 'Add connection' }));
  fireEvent.change(form().getByLabelText('MDM'), { target: { value: kind } });
}

describe('ConnectionsSection', () => {
  it('adds a Jamf Pro connection: asks the browser for that one origin first, keeps the secret apart, lists it', async () => {
    const { deps, saved } = fakeDeps();
    render(<ConnectionsSection deps={deps} />);
    await openForm('jamf-pro');
    type('Name', 'Jamf Pro (Acme)');
    type('Server URL', 'acme.jamfcloud.com/');
    type('Client ID', 'client-1');
    type('Client secret', 's3cret');
    fireEvent.click(form().getByRole('button', { name: 'Save' }));
    await waitFor(() => expect(screen.getAllByRole('status').map((s) => s.textContent).join('')).toContain('Saved Jamf Pro (Acme).'));
    expect(deps.requestAccess).toHaveBeenCalledWith({ origins: ['https://acme.jamfcloud.com/*'] });
    expect(saved).toEqual([
      {
        connection: { id: 'jamf-pro-1', kind: 'jamf-pro', name: 'Jamf Pro (Acme)', serverUrl: 'https://acme.jamfcloud.com', clientId: 'client-1' },
        secrets: { clientSecret: 's3cret' },
      },
    ]);
    const card = within(await screen.findByRole('region', { name: 'Jamf Pro (Acme)' }));
    expect(card.getByText(/acme\.jamfcloud\.com/)).toBeTruthy();
    expect(deps.onChanged).toHaveBeenCalled();

    fireEvent.click(card.getByRole('button', { name: 'Test connection' }));
    await card.findByText('Connected. Jamf Pro lists 2 Apps and Books tokens.');
    expect(deps.testConnection).toHaveBeenCalledWith('jamf-pro-1');

    fireEvent.click(card.getByRole('button', { name: 'Remove' }));
    await screen.findByText(/Removed Jamf Pro \(Acme\)/);
    expect(saved).toEqual([]);
  });

  it('refuses what it cannot use, says why, and saves nothing', async () => {
    const { deps, saved } = fakeDeps();
    render(<ConnectionsSection deps={deps} />);
    await openForm('fleet');
    type('Name', 'Fleet');
    type('Server URL', 'http://fleet.example.com');
    type('API token', 't');
    fireEvent.click(form().getByRole('button', { name: 'Save' }));
    await screen.findByText(/Enter the server’s address, like https:\/\/fleet\.example\.com\. It must start with https:\/\/\. Nothing was saved\./);
    type('Server URL', 'https://fleet.example.com');
    vi.mocked(deps.requestAccess).mockResolvedValueOnce(false);
    fireEvent.click(form().getByRole('button', { name: 'Save' }));
    await screen.findByText(/needs permission to reach fleet\.example\.com/);
    expect(saved).toEqual([]);
  });

  it.each([
    ['fleet', 'https://*', 'https://fleet.example.com'],
    ['fleet', '*.example.com', 'https://fleet.example.com'],
    ['jamf-pro', 'https://%2A', 'https://yourcompany.jamfcloud.com'],
    ['jamf-pro', 'https://exa*mple.jamfcloud.com', 'https://yourcompany.jamfcloud.com'],
  ])('%s: refuses the wildcard server %s with a plain error, and never calls permissions.request', async (kind, address, example) => {
    const { deps, saved } = fakeDeps();
    render(<ConnectionsSection deps={deps} />);
    await openForm(kind);
    type('Name', 'Wild');
    type('Server URL', address);
    if (kind === 'fleet') type('API token', 't');
    else (type('Client ID', 'client-1'), type('Client secret', 's3cret'));
    fireEvent.click(form().getByRole('button', { name: 'Save' }));
    await screen.findByText(
      `Enter the server’s address, like ${example}. Wildcards (*) are not allowed: Token Relay asks for access to one server only. Nothing was saved.`,
    );
    expect(deps.requestAccess).not.toHaveBeenCalled();
    expect(saved).toEqual([]);
  });

  it('refuses an IP address or a user name in the server URL, never asking the browser', async () => {
    const { deps, saved } = fakeDeps();
    render(<ConnectionsSection deps={deps} />);
    await openForm('fleet');
    type('Name', 'Fleet');
    type('API token', 't');
    type('Server URL', 'https://10.0.0.5:8080');
    fireEvent.click(form().getByRole('button', { name: 'Save' }));
    await screen.findByText(/Use the server’s name, not an IP address\. Nothing was saved\./);
    type('Server URL', 'https://a@fleet.example.com');
    fireEvent.click(form().getByRole('button', { name: 'Save' }));
    await screen.findByText(/Leave out any user name or password/);
    expect(deps.requestAccess).not.toHaveBeenCalled();
    expect(saved).toEqual([]);
  });

  it('Intune: shows the redirect URI to register, then Sign in with Microsoft asks for identity and Microsoft’s two sites', async () => {
    const { deps } = fakeDeps();
    render(<ConnectionsSection deps={deps} />);
    await openForm('intune');
    expect(form().getByText('https://abcdefghijklmnop.chromiumapp.org/')).toBeTruthy();
    type('Name', 'Intune');
    type('Tenant ID', 'contoso.onmicrosoft.com');
    type('Client ID', '11111111-2222-3333-4444-555555555555');
    fireEvent.click(form().getByRole('button', { name: 'Save' }));
    const card = within(await screen.findByRole('region', { name: 'Intune' }));
    fireEvent.click(card.getByRole('button', { name: 'Sign in with Microsoft' }));
    await card.findByText('Signed in with Microsoft.');
    expect(deps.requestAccess).toHaveBeenLastCalledWith({
      origins: ['https://login.microsoftonline.com/*', 'https://graph.microsoft.com/*'],
      permissions: ['identity'],
    });
  });

  it('an Addigy organisation needs its own API key and no site permission', async () => {
    const { deps, saved } = fakeDeps();
    render(<ConnectionsSection deps={deps} />);
    await openForm('addigy');
    type('Name', 'Springfield');
    type('API key', 'key-2');
    fireEvent.click(form().getByRole('button', { name: 'Save' }));
    await waitFor(() => expect(saved).toHaveLength(1));
    expect(saved[0]).toEqual({ connection: { id: 'addigy-1', kind: 'addigy', name: 'Springfield' }, secrets: { apiKey: 'key-2' } });
    expect(deps.requestAccess).not.toHaveBeenCalled();
  });
});
