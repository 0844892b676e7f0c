import { beforeAll, describe, expect, it, vi } from 'vitest';
import { fireEvent, render, screen, waitFor } from '@testing-library/preact';
import { PopupApp } from '../../components/PopupApp';
import type { BackgroundClient } from '../../lib/messaging/extension-client';
import type { PageIntent, PopupState } from '../../lib/messaging/messages';
import type { RenewalRecord } from '../../lib/renewal/renewal-record';
import type { BatchItem, BatchRecord } from '../../lib/batch/batch-record';

const base: RenewalRecord = {
  id: 'r1',
  step: 'awaiting-confirmation',
  createdAt: new Date().toISOString(),
  updatedAt: new Date().toISOString(),
  source: 'blob',
  discrepancies: [],
  file: { orgName: 'Acme Corp', expiresAt: '2027-11-24T10:00:00Z' },
  apple: { status: 'verified', uId: 'LOC-1001', locationName: 'Main Campus' },
  match: { locationId: 'loc-main', policyId: 'pol-root', strength: 'uid', locationName: 'Main Campus', connectionId: 'addigy', connectionName: 'Addigy', kind: 'addigy', writes: 'console' },
  console: { tabId: 100, phase: 'waiting-for-confirmation', since: new Date().toISOString() },
  preview: { idNumber: '4410021', name: 'Main Campus', appleId: 'it-admin@acme.example', organization: 'Acme Corp' },
};

const EMPTY = { noticedDownloads: [], tokens: { health: [] }, snoozedUntil: {}, readAt: 1 };

function clientWith(state: PopupState) {
  const sent: PageIntent[] = [];
  const client: BackgroundClient = {
    send: vi.fn(async (intent: PageIntent) => {
      sent.push(intent);
      return { ok: true as const, state };
    }),
    onStateChanged: () => () => undefined,
  };
  return { client, sent };
}

const renderPopup = (state: PopupState) => {
  const { client, sent } = clientWith(state);
  const openOptions = vi.fn();
  render(<PopupApp client={client} openOptions={openOptions} />);
  return { sent, openOptions };
};

// The renewal view, history, file picker and notices load after the first frame: compiled once here, so each
// test's wait for them (findBy…) is for the popup, not for the test runner's first transform of those files.
beforeAll(() => import('../../components/popup-later'));

describe('PopupApp', () => {
  it('asks for the API key when not configured', async () => {
    const { openOptions } = renderPopup({ ...EMPTY, configured: false, renewals: [] });
    fireEvent.click(await screen.findByRole('button', { name: /Open Options to add the API key/ }));
    expect(openOptions).toHaveBeenCalled();
  });

  it('shows the confirmation details Addigy would show, and confirms on Renew', async () => {
    const { sent } = renderPopup({ ...EMPTY, configured: true, renewals: [base] });
    const renew = await screen.findByRole('button', { name: /^Renew Main Campus in Addigy/ });
    for (const [label, value] of [
      ['ID number', '4410021'],
      ['Name', 'Main Campus'],
      ['Apple ID', 'it-admin@acme.example'],
      ['Organization', 'Acme Corp'],
    ] as const) {
      const term = screen.getByText(label, { selector: 'dt' });
      expect(term.nextElementSibling?.textContent).toBe(value);
    }
    expect(screen.getByText('Apple confirmed this token is valid.')).toBeTruthy();
    fireEvent.click(renew);
    await waitFor(() => expect(sent).toContainEqual({ type: 'renewal:confirm', id: 'r1', acceptOtherMdm: false }));
    expect((renew as HTMLButtonElement).disabled).toBe(true);
  });

  it('says where the file, Apple and Addigy disagree, before the Renew button', async () => {
    renderPopup({ ...EMPTY, configured: true, renewals: [{ ...base, discrepancies: ['Apple says this token is for "Warehouse".'] }] });
    const note = await screen.findByText(/Apple says this token is for "Warehouse"/);
    const renew = screen.getByRole('button', { name: /^Renew/ });
    expect(note.compareDocumentPosition(renew) & Node.DOCUMENT_POSITION_FOLLOWING).toBeTruthy();
  });

  it('needs the extra yes for a location another MDM holds before anything goes to Addigy', async () => {
    const gate = { ...base, otherMdm: 'Jamf Pro', preview: undefined, console: undefined };
    const { sent } = renderPopup({ ...EMPTY, configured: true, renewals: [gate] });
    const go = (await screen.findByRole('button', { name: 'Continue in Addigy' })) as HTMLButtonElement;
    expect(screen.getByRole('alert').textContent).toMatch(/in use by another MDM \(Jamf Pro\)/);
    expect(go.disabled).toBe(true);
    fireEvent.click(screen.getByLabelText(/move this location from Jamf Pro to Addigy/));
    expect(go.disabled).toBe(false);
    fireEvent.click(go);
    await waitFor(() => expect(sent).toContainEqual({ type: 'renewal:confirm', id: 'r1', acceptOtherMdm: true }));
  });

  it('confirms with the extra yes already given once Addigy’s window shows the location another MDM holds', async () => {
    const { sent } = renderPopup({ ...EMPTY, configured: true, renewals: [{ ...base, otherMdm: 'Jamf Pro', otherMdmAccepted: true }] });
    fireEvent.click(await screen.findByRole('button', { name: /^Renew Main Campus in Addigy/ }));
    await waitFor(() => expect(sent).toContainEqual({ type: 'renewal:confirm', id: 'r1', acceptOtherMdm: true }));
  });

  it('shows the Addigy tab on request: renewal:show-console', async () => {
    const { sent } = renderPopup({ ...EMPTY, configured: true, renewals: [base] });
    fireEvent.click(await screen.findByRole('button', { name: 'Show the Addigy tab' }));
    await waitFor(() => expect(sent).toContainEqual({ type: 'renewal:show-console', id: 'r1' }));
  });

  it('follows the Renew steps in Addigy while handing over, and can show the tab', async () => {
    const handingOver = { ...base, step: 'handing-over' as const, preview: undefined, console: { tabId: 100, phase: 'opening-renew' as const, since: new Date().toISOString() } };
    const { sent } = renderPopup({ ...EMPTY, configured: true, renewals: [handingOver] });
    expect(await screen.findByRole('heading', { name: 'Preparing Main Campus in Addigy…' })).toBeTruthy();
    expect(screen.getByText(/Pressing Renew/).closest('li')?.dataset.state).toBe('current');
    fireEvent.click(screen.getByRole('button', { name: 'Show the Addigy tab' }));
    await waitFor(() => expect(sent).toContainEqual({ type: 'renewal:show-console', id: 'r1' }));
  });

  it('names the current step while renewing', async () => {
    renderPopup({ ...EMPTY, configured: true, renewals: [{ ...base, step: 'scanning', retrying: { attempt: 1, delayMs: 500, reason: 'Addigy is not answering.' } }] });
    expect(await screen.findByText('Renewing Main Campus…')).toBeTruthy();
    expect(screen.getByText(/Addigy is scanning the licences/).closest('li')?.dataset.state).toBe('current');
    expect(screen.getByText(/Retrying \(attempt 2\): Addigy is not answering/)).toBeTruthy();
  });

  it('shows Renewed with the last successful sync', async () => {
    renderPopup({ ...EMPTY, configured: true, renewals: [{ ...base, step: 'done', lastSync: '2026-11-24T10:05:00Z', newExpiry: '2027-11-24T10:00:00Z' }] });
    expect(await screen.findByRole('heading', { name: 'Renewed' })).toBeTruthy();
    expect(screen.getByText('Last successful sync', { selector: 'dt' }).nextElementSibling?.textContent).not.toBe('unknown');
  });

  it('explains a failure and offers Retry and Options when the key is wrong', async () => {
    const failure = { kind: 'unauthorized', message: 'Addigy did not accept the API key.', nextStep: 'Open Options and paste a valid key.', step: 'matched' as const, retryable: true };
    const { sent, openOptions } = renderPopup({ ...EMPTY, configured: true, renewals: [{ ...base, step: 'failed', failure }] });
    expect((await screen.findByRole('alert')).textContent).toContain('Addigy did not accept the API key.');
    expect(screen.getByRole('heading', { name: 'Not renewed' })).toBeTruthy();
    fireEvent.click(screen.getByRole('button', { name: 'Open Options' }));
    expect(openOptions).toHaveBeenCalled();
    fireEvent.click(screen.getByRole('button', { name: 'Retry' }));
    await waitFor(() => expect(sent).toContainEqual({ type: 'renewal:retry', id: 'r1' }));
  });

  it('shows the background’s problem in words when an intent is refused', async () => {
    const client: BackgroundClient = {
      send: async () => ({ ok: false, problem: { kind: 'no-background', message: 'Token Relay’s background worker did not answer.', nextStep: 'Reopen.' } }),
      onStateChanged: () => () => undefined,
    };
    render(<PopupApp client={client} openOptions={() => undefined} />);
    expect((await screen.findByRole('alert')).textContent).toContain('did not answer');
  });
});

describe('PopupApp and downloads it could not read', () => {
  it('offers the file picker for a token download it noticed', async () => {
    renderPopup({ ...EMPTY, noticedDownloads: ['sToken_for_Warehouse.vpptoken'], configured: true, renewals: [] });
    expect((await screen.findByText(/saw sToken_for_Warehouse.vpptoken downloaded but could not read it/)).textContent).toMatch(/Choose the file at the bottom/);
    expect(await screen.findByLabelText(/Have a .vpptoken file already/)).toBeTruthy();
  });
});

describe('PopupApp overview and history', () => {
  it('shows every token’s health, and older renewals as history', async () => {
    const old = new Date(Date.now() - 3 * 86_400_000).toISOString();
    renderPopup({
      ...EMPTY,
      configured: true,
      tokens: {
        fetchedAt: new Date().toISOString(),
        health: [
          { locationId: 'loc-north', locationName: 'North High', orgName: 'Springfield Schools', websiteURL: 'https://school.apple.com', expirySource: 'addigy', expiresAt: old, daysLeft: 5, state: 'revoked', reason: 'Addigy reports the token was revoked.' },
        ],
      },
      renewals: [{ ...base, id: 'old', step: 'done', updatedAt: old, lastSync: old }],
    });
    expect(await screen.findByRole('heading', { name: 'Tokens' })).toBeTruthy();
    expect(screen.getByRole('link', { name: /Renew North High in Apple School Manager/ }).getAttribute('href')).toBe(
      'https://school.apple.com/#/main/preferences/paymentsandbilling/appsandbooks',
    );
    expect(await screen.findByRole('heading', { name: 'Recent renewals' })).toBeTruthy();
    expect(screen.queryByRole('heading', { name: 'Renewed' })).toBeNull();
  });

  it('shows the stored picture at once and keeps its rows, and a row the admin opened, when the background answers', async () => {
    const token = (i: number) => ({
      locationId: `loc-${i}`,
      locationName: `Site ${String(i).padStart(2, '0')}`,
      orgName: 'Acme Corp',
      websiteURL: 'https://business.apple.com' as const,
      expirySource: 'addigy' as const,
      expiresAt: new Date(Date.now() + (100 + i) * 86_400_000).toISOString(),
      daysLeft: 100 + i,
      state: 'valid' as const,
      reason: 'Valid.',
    });
    const health = Array.from({ length: 12 }, (_, i) => token(i + 1));
    let answer: (state: PopupState) => void = () => undefined;
    const client: BackgroundClient = {
      send: (intent) =>
        intent.type === 'state:get'
          ? new Promise((resolve) => (answer = (state) => resolve({ ok: true, state })))
          : new Promise(() => undefined),
      onStateChanged: () => () => undefined,
    };
    render(<PopupApp client={client} openOptions={() => undefined} snapshot={{ health, fetchedAt: new Date().toISOString() }} />);
    // In the first render, without waiting for anything.
    const toggle = screen.getByRole('button', { name: /^Site 01 / });
    expect(screen.queryByText('Loading…')).toBeNull();
    fireEvent.click(toggle);
    expect(toggle.getAttribute('aria-expanded')).toBe('true');

    answer({ ...EMPTY, configured: true, renewals: [], tokens: { health, fetchedAt: new Date().toISOString() } });
    expect(await screen.findByRole('button', { name: 'Check now' })).toBeTruthy();
    // The same row element, still open: the answer redrew the overview in place.
    expect(screen.getByRole('button', { name: /^Site 01 / })).toBe(toggle);
    expect(toggle.getAttribute('aria-expanded')).toBe('true');
  });

  it('gives the overview it was answered to rememberFirstFrame, for the next opening’s shell; none when no MDM is connected', async () => {
    const tokens = { health: [], fetchedAt: new Date().toISOString() };
    const remembered: unknown[] = [];
    const { client } = clientWith({ ...EMPTY, configured: true, renewals: [], tokens });
    const view = render(<PopupApp client={client} openOptions={() => undefined} rememberFirstFrame={(t) => remembered.push(t)} />);
    await waitFor(() => expect(remembered).toEqual([tokens]));
    view.unmount();
    const { client: unconfigured } = clientWith({ ...EMPTY, configured: false, renewals: [], tokens });
    render(<PopupApp client={unconfigured} openOptions={() => undefined} rememberFirstFrame={(t) => remembered.push(t)} />);
    await waitFor(() => expect(remembered).toEqual([tokens, undefined]));
  });

  it('refreshes a stale overview when opened', async () => {
    const { sent } = renderPopup({ ...EMPTY, configured: true, renewals: [] });
    await waitFor(() => expect(sent).toContainEqual({ type: 'tokens:refresh' }));
  });
});

describe('PopupApp with several renewals', () => {
  it('shows a fresh result and still shows an older renewal awaiting confirmation', async () => {
    const now = new Date().toISOString();
    const failure = { kind: 'revoked', message: 'Apple says this token was revoked.', nextStep: 'Download a fresh token.', step: 'verified' as const, retryable: false };
    renderPopup({
      ...EMPTY,
      configured: true,
      renewals: [
        { ...base, id: 'new', step: 'failed', failure, updatedAt: now },
        { ...base, id: 'waiting', updatedAt: now },
      ],
    });
    expect(await screen.findByRole('heading', { name: 'Not renewed' })).toBeTruthy();
    expect(screen.getByRole('heading', { name: 'Confirm the renewal' })).toBeTruthy();
  });
});

describe('PopupApp and replies that overtake each other', () => {
  it('keeps the newer state when an older, slower reply arrives last', async () => {
    const failure = { kind: 'scan-failed', message: 'Addigy could not sync with this token.', nextStep: 'Download a fresh token.', step: 'scanning' as const, retryable: true };
    const newer = { ...EMPTY, configured: true, readAt: 20, renewals: [{ ...base, step: 'failed' as const, renewedAt: base.createdAt, failure }] };
    const older = { ...EMPTY, configured: true, readAt: 10, renewals: [{ ...base, step: 'scanning' as const }] };
    let releaseSlow: () => void = () => undefined;
    const client: BackgroundClient = {
      // The stale-overview refresh is slow and its reply carries an older read of the state.
      send: async (intent) =>
        intent.type === 'tokens:refresh'
          ? new Promise((resolve) => (releaseSlow = () => resolve({ ok: true, state: older })))
          : { ok: true, state: newer },
      onStateChanged: () => () => undefined,
    };
    render(<PopupApp client={client} openOptions={() => undefined} />);
    expect(await screen.findByRole('heading', { name: 'Renewed, but the scan failed' })).toBeTruthy();
    await waitFor(() => expect(releaseSlow).not.toBe(undefined));
    releaseSlow();
    await new Promise((r) => setTimeout(r, 20));
    expect(screen.getByRole('heading', { name: 'Renewed, but the scan failed' })).toBeTruthy();
    expect(screen.queryByRole('heading', { name: /^Renewing/ })).toBeNull();
  });
});

describe('PopupApp and batch renewal (issue 22)', () => {
  const due = (name: string, state: 'expiring-soon' | 'expired' | 'valid') => ({
    locationId: `loc-${name.toLowerCase().replace(/\W+/g, '-')}`,
    locationName: name,
    orgName: 'Springfield Schools',
    websiteURL: 'https://school.apple.com' as const,
    expirySource: 'addigy' as const,
    expiresAt: new Date(Date.now() + 10 * 86_400_000).toISOString(),
    daysLeft: 10,
    state,
    reason: `${name} is ${state}.`,
  });
  const tokens = { fetchedAt: new Date().toISOString(), health: [due('North High', 'expiring-soon'), due('South High', 'expired'), due('West Middle', 'valid')] };
  const withTokens = { ...EMPTY, configured: true, tokens };
  const item = (locationName: string, state: BatchItem['state'], extra: Partial<BatchItem> = {}): BatchItem => ({
    key: `loc-${locationName.toLowerCase().replace(/\W+/g, '-')}`,
    locationName,
    orgName: 'Springfield Schools',
    connectionId: 'addigy',
    connectionName: 'Addigy',
    mdm: 'addigy',
    tokenId: 'x',
    health: 'expiring-soon',
    state,
    ...extra,
  });
  const batchOf = (step: BatchRecord['step'], items: BatchItem[]): BatchRecord => ({
    id: 'b1',
    step,
    site: 'https://school.apple.com',
    orgName: 'Springfield Schools',
    items,
    createdAt: new Date().toISOString(),
    updatedAt: new Date().toISOString(),
  });

  it('Renew all N expiring asks the background for the organisation’s batch, through the intent path', async () => {
    const { sent } = renderPopup({ ...withTokens, renewals: [] });
    const renewAll = await screen.findByRole('button', { name: 'Renew all 2 expiring in Springfield Schools' });
    // On screen: the count without the organisation (a single organisation's button; the rest is for screen readers).
    expect(renewAll.firstChild?.textContent).toBe('Renew all 2 expiring');
    fireEvent.click(renewAll);
    await waitFor(() => expect(sent).toContainEqual({ type: 'batch:propose', site: 'https://school.apple.com', orgName: 'Springfield Schools' }));
  });

  it('says Apple’s page is opening when no page of that organisation was open', async () => {
    const client: BackgroundClient = {
      send: async (intent) =>
        intent.type === 'batch:propose' ? { ok: true, note: 'opened-apple-page' } : { ok: true, state: { ...withTokens, renewals: [] } },
      onStateChanged: () => () => undefined,
    };
    render(<PopupApp client={client} openOptions={() => undefined} />);
    fireEvent.click(await screen.findByRole('button', { name: 'Renew all 2 expiring in Springfield Schools' }));
    expect((await screen.findByText(/^Apple School Manager is opening\./)).textContent).toBe(
      'Apple School Manager is opening. Choose Send all there, or come back here and choose Renew all again.',
    );
  });

  it('shows a proposed batch (loaded on demand) and hides Renew all while it is proposed or running', async () => {
    const { sent } = renderPopup({ ...withTokens, renewals: [], batch: batchOf('proposed', [item('North High', 'queued'), item('South High', 'queued')]) });
    expect(await screen.findByRole('heading', { name: 'Renew 2 tokens' })).toBeTruthy();
    expect(screen.queryByRole('button', { name: /expiring in/ })).toBeNull();
    fireEvent.click(screen.getByRole('button', { name: 'Renew all 2' }));
    await waitFor(() => expect(sent).toContainEqual({ type: 'batch:confirm', id: 'b1' }));
  });

  it('offers Renew all again once the batch is finished', async () => {
    renderPopup({ ...withTokens, renewals: [], batch: batchOf('finished', [item('North High', 'renewed'), item('South High', 'failed')]) });
    expect(await screen.findByRole('heading', { name: 'Batch finished' })).toBeTruthy();
    expect(screen.getByRole('button', { name: 'Renew all 2 expiring in Springfield Schools' })).toBeTruthy();
  });

  it('shows the batch’s renewals in its rows, not as cards; a renewal that needs the admin keeps its card below the batch', async () => {
    const sending = { ...base, id: 'r-north', step: 'renewing' as const };
    const asking = { ...base, id: 'r-design', otherMdm: 'Jamf Pro', preview: undefined, console: undefined };
    const alone = { ...base, id: 'r-other', step: 'done' as const, updatedAt: new Date(Date.now() - 3 * 86_400_000).toISOString() };
    renderPopup({
      ...withTokens,
      renewals: [sending, asking, alone],
      batch: batchOf('running', [item('North High', 'relaying', { renewalId: 'r-north' }), item('Design', 'needs-you', { renewalId: 'r-design' }), item('South High', 'queued')]),
    });
    const heading = await screen.findByRole('heading', { name: 'Renewing 3 tokens' });
    // A renewal outside the batch is still history (and the renewal cards have loaded).
    expect(await screen.findByRole('heading', { name: 'Recent renewals' })).toBeTruthy();
    expect(screen.queryByText('Renewing Main Campus…')).toBeNull();
    const answer = await screen.findByRole('button', { name: 'Continue in Addigy' });
    expect(heading.compareDocumentPosition(answer) & Node.DOCUMENT_POSITION_FOLLOWING).toBeTruthy();
  });
});
