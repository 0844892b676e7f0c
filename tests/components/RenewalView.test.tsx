import { afterEach, describe, expect, it, vi } from 'vitest';
import { fireEvent, render, screen, within } from '@testing-library/preact';
import { RenewalView, type RenewalActions } from '../../components/RenewalView';
import type { RenewalRecord } from '../../lib/renewal/renewal-record';
import type { PageOutline } from '../../lib/addigy-console/console-messages';
import { renewalRecord } from '../support/renewal-record-factory';

const NOW = new Date().toISOString();
/** A renewal matched to Addigy's token for Main Campus. */
const matched: Partial<RenewalRecord> = {
  file: { orgName: 'Acme Corp', expiresAt: '2027-11-24T10:00:00Z' },
  apple: { status: 'verified', uId: 'LOC-1001', locationName: 'Main Campus' },
  match: { locationId: 'loc-main', policyId: 'pol-root', strength: 'uid', locationName: 'Main Campus' },
};
/** What Addigy's confirmation window shows. */
const CONFIRMATION = { idNumber: '4410021', name: 'Main Campus', appleId: 'it-admin@acme.example', organization: 'Acme Corp' };
const OUTLINE: PageOutline = { page: 'https://app.addigy.com/policies/…', takenAt: '2026-11-30T12:00:00.000Z', nodes: ['main', 'main > table "Apple Apps"'] };

function actionsSpy() {
  return {
    confirm: vi.fn(),
    retry: vi.fn(),
    discard: vi.fn(),
    openOptions: vi.fn(),
    showConsole: vi.fn(),
  } satisfies RenewalActions;
}

const show = (record: RenewalRecord) => {
  const actions = actionsSpy();
  render(<RenewalView record={record} actions={actions} />);
  return actions;
};

afterEach(() => vi.restoreAllMocks());

describe('RenewalView', () => {
  describe('handing over to Addigy’s console', () => {
    const handingOver = (console: RenewalRecord['console']) => renewalRecord('handing-over', { ...matched, console });

    it('shows the console steps, the current one marked, and no sign-in notice', () => {
      const actions = show(handingOver({ tabId: 100, phase: 'handing-over-file', since: NOW }));
      expect(screen.getByRole('heading', { name: 'Preparing Main Campus in Addigy…' })).toBeTruthy();
      const steps = within(screen.getByRole('status')).getAllByRole('listitem');
      expect(steps.map((li) => [li.textContent?.replace(' (in progress)', ''), li.dataset.state])).toEqual([
        ['Opening Apple Apps in Addigy', 'done'],
        ['Finding the token', 'done'],
        ['Pressing Renew', 'done'],
        ['Handing the file to Addigy', 'current'],
        ['Waiting for Addigy’s confirmation', 'todo'],
      ]);
      expect(screen.queryByRole('alert')).toBeNull();
      expect(screen.getByText(/Nothing is saved yet/)).toBeTruthy();
      fireEvent.click(screen.getByRole('button', { name: 'Show the Addigy tab' }));
      expect(actions.showConsole).toHaveBeenCalledWith(expect.stringMatching(/^r\d+$/));
      expect(actions.confirm).not.toHaveBeenCalled();
    });

    it('starts at the first step before the tab reports', () => {
      show(handingOver({ tabId: 100, since: NOW }));
      expect(screen.getByText('Opening Apple Apps in Addigy').dataset.state).toBe('current');
    });

    it('asks the admin to sign in to Addigy in the tab Token Relay opened', () => {
      show(handingOver({ tabId: 100, phase: 'opening-apple-apps', since: NOW, signInSince: NOW }));
      const alert = screen.getByRole('alert');
      expect(alert.textContent).toContain('Sign in to Addigy in the tab Token Relay opened');
      expect(alert.textContent).toMatch(/goes on by itself/);
    });

    it('guided: says what the tab’s guide says, and what Addigy said, with the tab one click away', () => {
      const say = 'Open the policy that holds Main Campus, then its Apple Apps settings, and choose Renew beside Main Campus. Token Relay will give Addigy the file.';
      const actions = show(handingOver({ tabId: 100, phase: 'opening-renew', since: NOW, guide: { say, since: NOW }, answer: 'Uploading, please wait' }));
      const alert = screen.getByRole('alert');
      expect(alert.textContent).toContain('Addigy needs your clicks in the tab Token Relay opened.');
      expect(alert.textContent).toContain(say);
      expect(alert.textContent).toContain('Addigy said: “Uploading, please wait”');
      expect(alert.textContent).not.toMatch(/gave Addigy the file/);
      fireEvent.click(screen.getByRole('button', { name: 'Show the Addigy tab' }));
      expect(actions.showConsole).toHaveBeenCalled();
    });

    it('guided, after the hand-over: confirm in Addigy’s window, with the details that could be read', () => {
      show(
        handingOver({
          tabId: 100,
          since: NOW,
          fileHandedAt: NOW,
          guide: { say: 'Check the details in Addigy’s window and confirm there.', since: NOW },
          confirmInPage: true,
          details: { idNumber: '', name: 'Main Campus', appleId: '', organization: 'Acme Corp' },
        }),
      );
      const alert = screen.getByRole('alert');
      expect(alert.textContent).toContain('Token Relay gave Addigy the file. You never need to pick it.');
      expect(alert.textContent).toContain('confirm there. Token Relay then checks with Addigy’s API.');
      expect([...alert.querySelectorAll('dt')].map((dt) => dt.textContent)).toEqual(['Name', 'Organization']);
      expect([...alert.querySelectorAll('dd')].map((dd) => dd.textContent)).toEqual(['Main Campus', 'Acme Corp']);
    });

    it('shows a recorded-but-not-yet-waiting confirmation (previewed) as the hand-over still', () => {
      show(renewalRecord('previewed', { ...matched, preview: CONFIRMATION, console: { tabId: 100, phase: 'waiting-for-confirmation', since: NOW } }));
      expect(screen.getByRole('heading', { name: 'Preparing Main Campus in Addigy…' })).toBeTruthy();
      expect(screen.queryByRole('button', { name: /^Renew/ })).toBeNull();
    });
  });

  describe('Addigy’s confirmation window', () => {
    const confirmation = (extra: Partial<RenewalRecord> = {}) =>
      renewalRecord('awaiting-confirmation', { ...matched, preview: CONFIRMATION, console: { tabId: 100, phase: 'waiting-for-confirmation', since: NOW }, ...extra });

    it('shows the four values Addigy shows, and Renew <location> in Addigy confirms', () => {
      const record = confirmation();
      const actions = show(record);
      for (const [label, value] of [
        ['ID number', '4410021'],
        ['Name', 'Main Campus'],
        ['Apple ID', 'it-admin@acme.example'],
        ['Organization', 'Acme Corp'],
      ] as const) {
        expect(screen.getByText(label, { selector: 'dt' }).nextElementSibling?.textContent).toBe(value);
      }
      const renew = screen.getByRole('button', { name: 'Renew Main Campus in Addigy' }) as HTMLButtonElement;
      fireEvent.click(renew);
      expect(actions.confirm).toHaveBeenCalledWith(record.id, false);
      // One press: a second click cannot ask for a second Save.
      expect(renew.disabled).toBe(true);
      fireEvent.click(renew);
      expect(actions.confirm).toHaveBeenCalledTimes(1);
    });

    it('names the location as Addigy’s window does', () => {
      show(confirmation({ preview: { ...CONFIRMATION, name: 'Main Campus (HS)' } }));
      expect(screen.getByRole('button', { name: 'Renew Main Campus (HS) in Addigy' })).toBeTruthy();
    });

    it('lists each disagreement before the Renew button', () => {
      show(confirmation({ discrepancies: ['The file names the organisation "Acme Corp", but Addigy shows "Globex Inc".'] }));
      const note = screen.getByRole('note');
      expect(note.textContent).toContain('"Globex Inc"');
      const renew = screen.getByRole('button', { name: /^Renew/ });
      expect(note.compareDocumentPosition(renew) & Node.DOCUMENT_POSITION_FOLLOWING).toBeTruthy();
    });

    it('offers the Addigy tab, where pressing Save works too', () => {
      const record = confirmation();
      const actions = show(record);
      expect(screen.getByText(/pressing Save there yourself works too/)).toBeTruthy();
      fireEvent.click(screen.getByRole('button', { name: 'Show the Addigy tab' }));
      expect(actions.showConsole).toHaveBeenCalledWith(record.id);
    });

    it('passes on the extra yes already given for another MDM', () => {
      const record = confirmation({ otherMdm: 'Jamf Pro', otherMdmAccepted: true });
      const actions = show(record);
      fireEvent.click(screen.getByRole('button', { name: 'Renew Main Campus in Addigy' }));
      expect(actions.confirm).toHaveBeenCalledWith(record.id, true);
    });

    it('Cancel discards', () => {
      const record = confirmation();
      const actions = show(record);
      fireEvent.click(screen.getByRole('button', { name: 'Cancel' }));
      expect(actions.discard).toHaveBeenCalledWith(record.id);
    });
  });

  describe('an MDM that renews through its API', () => {
    const apiRecord = (kind: 'jamf-pro' | 'fleet', extra: Partial<RenewalRecord> = {}) =>
      renewalRecord('awaiting-confirmation', {
        ...matched,
        match: {
          locationId: '7',
          locationName: 'Main Campus',
          strength: 'name',
          connectionId: 'c1',
          connectionName: 'Acme',
          kind,
          ...(kind === 'fleet' ? { requiresAppleVerifiedLocation: true } : {}),
        },
        preview: CONFIRMATION,
        ...extra,
      });

    it('Fleet: says that only Apple’s confirmation of the location lets the file go', () => {
      show(apiRecord('fleet'));
      expect(document.body.textContent).toMatch(/does not check which location a file is for: Token Relay sends it only because Apple confirmed/);
    });

    it('Jamf Pro: no such note', () => {
      show(apiRecord('jamf-pro'));
      expect(document.body.textContent).not.toMatch(/does not check which location/);
    });

    it('a location another server holds, which the MDM can reclaim: Take over and renew, only after the extra yes', () => {
      const record = apiRecord('jamf-pro', {
        otherMdm: 'another MDM server',
        match: { locationId: '7', locationName: 'Main Campus', strength: 'name', connectionId: 'c1', connectionName: 'Acme', kind: 'jamf-pro', reclaimable: true },
      });
      const actions = show(record);
      expect(document.body.textContent).toMatch(/can take the location over through its own API/);
      const go = screen.getByRole('button', { name: 'Take over and renew' }) as HTMLButtonElement;
      expect(go.disabled).toBe(true);
      fireEvent.click(screen.getByRole('checkbox'));
      fireEvent.click(go);
      expect(actions.confirm).toHaveBeenCalledWith(record.id, true);
    });
  });

  describe('another MDM holds the location (before the hand-over)', () => {
    const gate = () => renewalRecord('awaiting-confirmation', { ...matched, otherMdm: 'Jamf Pro' });

    it('keeps Continue in Addigy disabled until the checkbox is ticked, then confirms with the extra yes', () => {
      const record = gate();
      const actions = show(record);
      expect(screen.getByRole('alert').textContent).toMatch(/in use by another MDM \(Jamf Pro\)/);
      const go = screen.getByRole('button', { name: 'Continue in Addigy' }) as HTMLButtonElement;
      expect(go.disabled).toBe(true);
      fireEvent.click(go);
      expect(actions.confirm).not.toHaveBeenCalled();

      const yes = screen.getByLabelText(/Yes, move this location from Jamf Pro to Addigy/) as HTMLInputElement;
      fireEvent.click(yes);
      expect(go.disabled).toBe(false);
      fireEvent.click(yes);
      expect(go.disabled).toBe(true);
      fireEvent.click(yes);
      fireEvent.click(go);
      expect(actions.confirm).toHaveBeenCalledWith(record.id, true);
      expect(go.disabled).toBe(true);
    });

    it('shows no Addigy values and no Renew button: nothing was handed to Addigy yet', () => {
      show(gate());
      expect(screen.queryByText('ID number')).toBeNull();
      expect(screen.queryByRole('button', { name: /^Renew/ })).toBeNull();
    });
  });

  describe('failures', () => {
    const failed = (extra: Partial<RenewalRecord> = {}) =>
      renewalRecord('failed', {
        ...matched,
        failure: {
          kind: 'console-step-missing',
          message: 'Token Relay could not find Addigy’s Renew button for Main Campus.',
          nextStep: 'To renew by hand: in Addigy open the policy … Or choose Retry.',
          step: 'handing-over',
          retryable: true,
        },
        ...extra,
      });

    it('offers Save a page report when the record keeps one, and saves the outline as a file', async () => {
      const createObjectURL = vi.spyOn(URL, 'createObjectURL').mockReturnValue('blob:report');
      vi.spyOn(URL, 'revokeObjectURL').mockImplementation(() => undefined);
      const clicked: HTMLAnchorElement[] = [];
      vi.spyOn(HTMLAnchorElement.prototype, 'click').mockImplementation(function (this: HTMLAnchorElement) {
        clicked.push(this);
      });

      const record = failed({ pageReport: { site: 'addigy', outline: OUTLINE } });
      const actions = show(record);
      expect(screen.getByRole('alert').textContent).toContain('Token Relay could not find Addigy’s Renew button for Main Campus.');
      fireEvent.click(screen.getByRole('button', { name: 'Save a page report' }));
      expect(clicked).toHaveLength(1);
      expect(clicked[0]!.download).toBe('token-relay-page-report-addigy-2026-11-30.json');
      expect(createObjectURL).toHaveBeenCalledTimes(1);
      expect(clicked[0]!.href).toBe('blob:report');
      const saved = JSON.parse(await (createObjectURL.mock.calls[0]![0] as Blob).text()) as { site: string; nodes: string[] };
      expect(saved).toMatchObject({ site: 'addigy', nodes: OUTLINE.nodes });
      fireEvent.click(screen.getByRole('button', { name: 'Retry' }));
      expect(actions.retry).toHaveBeenCalledWith(record.id);
    });

    it('offers no page report without one', () => {
      show(failed());
      expect(screen.queryByRole('button', { name: 'Save a page report' })).toBeNull();
      expect(screen.getByRole('button', { name: 'Retry' })).toBeTruthy();
    });

    it('a final failure (identifier mismatch) offers no Retry', () => {
      show(
        renewalRecord('failed', {
          ...matched,
          failure: { kind: 'identifier-mismatch', message: 'Addigy refused the file.', nextStep: 'Create a new token in Addigy.', step: 'handing-over', retryable: false },
        }),
      );
      expect(screen.getByRole('heading', { name: 'Not renewed' })).toBeTruthy();
      expect(screen.queryByRole('button', { name: 'Retry' })).toBeNull();
      expect(screen.getByText(/Create a new token in Addigy/)).toBeTruthy();
    });
  });
});
