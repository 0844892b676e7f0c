import { readFileSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { afterEach, describe, expect, it } from 'vitest';
import {
  consolePolicyUrl,
  findAppleAppsNavEntry,
  findAppleAppsPanel,
  findConfirmationWindow,
  findDropZone,
  findDialogs,
  findErrorBoxes,
  findIntegrationsTab,
  findRenewWindow,
  findTokenEntries,
  findTokenEntriesFor,
  isConsoleSignInUrl,
  isConsoleUrl,
  isSelected,
  isSignInPage,
  postsElsewhere,
  readConfirmationDetails,
  snapshotPage,
  visibleText,
  type AppleAppsPanel,
  type PageSnapshot,
} from '../../../lib/addigy-console/page-knowledge';

/** For reading a fixture's windows as if they had all opened since the click. */
const NOTHING_BEFORE: PageSnapshot = new WeakSet();

const FIXTURES = join(dirname(fileURLToPath(import.meta.url)), '../../fixtures/addigy-console');

function loadFixture(name: string): void {
  document.body.innerHTML = readFileSync(join(FIXTURES, name), 'utf8');
}

function mustFindPanel(): AppleAppsPanel {
  const panel = findAppleAppsPanel(document);
  if (!panel) throw new Error('expected the Apple Apps panel');
  return panel;
}

afterEach(() => {
  document.body.innerHTML = '';
});

describe('routes', () => {
  it('builds the policy URL with the id encoded', () => {
    expect(consolePolicyUrl('pol-root')).toBe('https://app.addigy.com/policies/pol-root');
    expect(consolePolicyUrl('a/b c')).toBe('https://app.addigy.com/policies/a%2Fb%20c');
  });

  it('tells the console, its sign-in routes and the hosted sign-in apart', () => {
    expect(isConsoleUrl('https://app.addigy.com/policies/x')).toBe(true);
    expect(isConsoleUrl('https://app.addigy.com.evil.example/')).toBe(false);
    expect(isConsoleUrl('http://app.addigy.com/')).toBe(false);
    expect(isConsoleUrl('not a url')).toBe(false);
    expect(isConsoleSignInUrl('https://login.addigy.com/?return_to=https%3A%2F%2Fapp.addigy.com%2Fpolicies')).toBe(true);
    expect(isConsoleSignInUrl('https://app.addigy.com/login')).toBe(true);
    expect(isConsoleSignInUrl('https://app.addigy.com/policies/pol-root')).toBe(false);
    expect(isConsoleSignInUrl('https://login.addigy.com.evil.example/')).toBe(false);
  });
});

describe('policy page', () => {
  it('finds the Integrations & Settings tab, not selected, and no Apple Apps panel yet', () => {
    loadFixture('policy-page-integrations-tab.html');
    const tab = findIntegrationsTab(document);
    expect(tab?.textContent).toBe('Integrations & Settings');
    expect(tab && isSelected(tab)).toBe(false);
    expect(findAppleAppsPanel(document)).toBeNull();
    expect(findAppleAppsNavEntry(document)).toBeNull();
    // The policy form's Save and Cancel are no Renew window.
    expect(findRenewWindow(document, NOTHING_BEFORE)).toBeNull();
  });

  it('finds the Apple Apps sub-navigation entry and the panel next to it', () => {
    loadFixture('apple-apps-table.html');
    expect(findAppleAppsNavEntry(document)?.getAttribute('aria-current')).toBe('page');
    expect(findIntegrationsTab(document)?.getAttribute('aria-selected')).toBe('true');
    const panel = mustFindPanel();
    expect(panel.heading?.textContent).toBe('Apple Apps');
    expect(panel.element.tagName).toBe('SECTION');
  });
});

describe('tokens in the Apple Apps panel', () => {
  it('reads table rows by the Location column, each with Renew and Scan Now', () => {
    loadFixture('apple-apps-table.html');
    const entries = findTokenEntries(mustFindPanel());
    expect(entries.map((entry) => entry.locationName)).toEqual(['Main Campus', 'Acme Warehouse', 'Northwind Traders']);
    for (const entry of entries) {
      expect(entry.element.tagName).toBe('TR');
      expect(entry.renewControl?.textContent).toBe('Renew');
      expect(entry.scanNowControl?.textContent).toBe('Scan Now');
    }
  });

  it('matches a location exactly, ignoring case and spaces, and not by another column', () => {
    loadFixture('apple-apps-table.html');
    const panel = mustFindPanel();
    expect(findTokenEntriesFor(panel, '  acme warehouse ').map((entry) => entry.locationName)).toEqual(['Acme Warehouse']);
    // "Main Campus" is also Northwind's organisation cell: only the Location column counts.
    expect(findTokenEntriesFor(panel, 'Main Campus')).toHaveLength(1);
    expect(findTokenEntriesFor(panel, 'Acme')).toHaveLength(0);
    expect(findTokenEntriesFor(panel, 'Acme Corp')).toHaveLength(0);
  });

  it('reads cards under the older "Apps & Books" heading', () => {
    loadFixture('apple-apps-cards.html');
    const panel = mustFindPanel();
    const entries = findTokenEntries(panel);
    expect(entries.map((entry) => entry.locationName)).toEqual(['Acme Warehouse', 'Northwind Traders']);
    expect(entries[0]?.element.textContent).not.toContain('Northwind');
    const [warehouse] = findTokenEntriesFor(panel, 'ACME WAREHOUSE');
    expect(warehouse?.renewControl?.tagName).toBe('A');
    expect(warehouse?.element.contains(warehouse.renewControl)).toBe(true);
  });
});

describe('the Renew window', () => {
  it('finds a role=dialog window with its hidden file input, drop zone and disabled Save', () => {
    loadFixture('renew-window-hidden-input.html');
    const window = findRenewWindow(document, NOTHING_BEFORE);
    expect(window?.element.getAttribute('role')).toBe('dialog');
    expect(window?.fileInput?.getAttribute('accept')).toBe('.vpptoken');
    expect(window?.fileInput?.style.display).toBe('none');
    expect(window?.dropZone?.textContent).toContain('Drop your .vpptoken file here');
    expect(window?.saveControl?.hasAttribute('disabled')).toBe(true);
  });

  it('finds a window without role by its drop zone, Save and Cancel, not the page form behind it', () => {
    loadFixture('renew-window-drop-only.html');
    const window = findRenewWindow(document, NOTHING_BEFORE);
    expect(window?.element.className).toBe('modal-card');
    expect(window?.fileInput).toBeNull();
    expect(window?.dropZone?.getAttribute('tabindex')).toBe('0');
    expect(window?.element.contains(window.saveControl)).toBe(true);
    expect(findDropZone(document.body)).toBe(window?.dropZone);
  });

  it('is not the confirmation window, and the confirmation is not a Renew window', () => {
    loadFixture('renew-window-hidden-input.html');
    expect(findConfirmationWindow(document, NOTHING_BEFORE)).toBeNull();
    loadFixture('confirmation-dialog.html');
    expect(findRenewWindow(document, NOTHING_BEFORE)).toBeNull();
  });
});

describe('the confirmation window', () => {
  it('reads ID number, Name, Apple ID and Organization from a dialog with dt/dd', () => {
    loadFixture('confirmation-dialog.html');
    const confirmation = findConfirmationWindow(document, NOTHING_BEFORE);
    expect(confirmation?.element.getAttribute('role')).toBe('dialog');
    expect(confirmation?.details).toEqual({
      idNumber: '4410022',
      name: 'Acme Warehouse',
      appleId: 'it-admin@acme.example',
      organization: 'Acme Corp',
    });
    expect(confirmation?.saveControl?.textContent).toBe('Save');
  });

  it('reads "Caption: value" lines from a window without role, not the table behind it', () => {
    loadFixture('confirmation-without-role.html');
    const confirmation = findConfirmationWindow(document, NOTHING_BEFORE);
    expect(confirmation?.element.className).toBe('modal-card');
    expect(confirmation?.details).toEqual({
      idNumber: '5520031',
      name: 'Northwind Traders',
      appleId: 'tech@northwind.example',
      organization: 'Northwind Holdings',
    });
    expect(confirmation?.element.contains(confirmation.saveControl)).toBe(true);
  });

  it('reads table rows and "<strong>Caption:</strong> value" pairs', () => {
    document.body.innerHTML = `<table><tr><th>ID Number</th><td>1</td></tr><tr><th>Name</th><td>Acme Warehouse</td></tr>
      <tr><th>Apple ID</th><td>a@b.example</td></tr><tr><th>Organisation</th><td>Acme Corp</td></tr></table>`;
    expect(readConfirmationDetails(document.body)).toEqual({
      details: { idNumber: '1', name: 'Acme Warehouse', appleId: 'a@b.example', organization: 'Acme Corp' },
      found: 4,
    });
    document.body.innerHTML = `<p><strong>ID number:</strong> 2</p><p><strong>Name:</strong> North</p>
      <p><strong>Apple ID:</strong> x@y.example</p><p><strong>Organization:</strong> Org</p>`;
    expect(readConfirmationDetails(document.body).details).toEqual({ idNumber: '2', name: 'North', appleId: 'x@y.example', organization: 'Org' });
  });
});

describe('errors and sign-in', () => {
  it('finds the red error box by role=alert', () => {
    loadFixture('error-box-identifier-mismatch.html');
    const boxes = findErrorBoxes(document);
    expect(boxes).toHaveLength(1);
    expect(visibleText(boxes[0]!)).toBe(
      'Bad status response[400]: "The identifier of this token does not match the token you are renewing"',
    );
  });

  it('finds a "Bad status response" message without role, and nothing on a clean page', () => {
    loadFixture('apple-apps-table.html');
    expect(findErrorBoxes(document)).toEqual([]);
    document.body.insertAdjacentHTML('beforeend', '<div class="notification is-danger"><p>Bad status response[400]: "Error syncing token"</p></div>');
    expect(findErrorBoxes(document).map(visibleText)).toEqual(['Bad status response[400]: "Error syncing token"']);
  });

  it('recognises the sign-in page and not the console', () => {
    loadFixture('login-page.html');
    expect(isSignInPage(document)).toBe(true);
    expect(findIntegrationsTab(document)).toBeNull();
    loadFixture('apple-apps-table.html');
    expect(isSignInPage(document)).toBe(false);
  });
});

describe('Addigy console windows: only new ones, shown ones, and nothing that posts elsewhere', () => {
  it('ignores windows the admin cannot see: opacity 0, clip-path, visibility hidden', () => {
    loadFixture('hidden-windows.html');
    expect(document.querySelectorAll('[role="dialog"]')).toHaveLength(3);
    expect(findDialogs(document)).toEqual([]);
    expect(findRenewWindow(document, NOTHING_BEFORE)).toBeNull();
  });

  it('takes no window, input or Save that was in the document before the snapshot', () => {
    loadFixture('renew-window-hidden-input.html');
    const before = snapshotPage(document);
    expect(findRenewWindow(document, before)).toBeNull();
    // The same window rendered again (new elements) counts.
    const old = document.querySelector('.modal')!;
    old.replaceWith(old.cloneNode(true));
    expect(findRenewWindow(document, before)?.element).toBe(document.querySelector('.modal'));
  });

  it('ignores role=alert boxes that are hidden', () => {
    loadFixture('hidden-alerts.html');
    expect(findErrorBoxes(document)).toEqual([]);
  });

  it('takes a plain Save before a submit one, and never a submit whose form posts to another origin', () => {
    document.body.innerHTML = `<form id="f" action="https://elsewhere.example/collect" method="post">
      <div role="dialog" aria-modal="true"><input type="file"><button id="submit">Save</button><button type="button">Cancel</button></div></form>`;
    // The input's form posts elsewhere and there is no drop zone: no window to use.
    expect(findRenewWindow(document, NOTHING_BEFORE)).toBeNull();
    document.querySelector('[role="dialog"]')!.insertAdjacentHTML('afterbegin', '<p>Drop your .vpptoken file here or click to browse</p>');
    expect(findRenewWindow(document, NOTHING_BEFORE)).toMatchObject({ fileInput: null, saveControl: null });
    document.getElementById('submit')!.setAttribute('formaction', 'https://app.addigy.com/renew');
    expect(findRenewWindow(document, NOTHING_BEFORE)?.saveControl?.id).toBe('submit');
    document.getElementById('submit')!.insertAdjacentHTML('beforebegin', '<button id="plain" type="button">Save</button>');
    expect(findRenewWindow(document, NOTHING_BEFORE)?.saveControl?.id).toBe('plain');
  });

  it('tells where a form posts: its action, a submitter\'s formaction, none, or method=dialog', () => {
    document.body.innerHTML = `<form id="a" action="https://elsewhere.example/x"><button id="s">Save</button></form>
      <form id="b"><button id="t" formaction="https://elsewhere.example/y">Save</button></form>
      <form id="c" action="https://app.addigy.com/policies/1"></form><form id="d" method="dialog" action="https://elsewhere.example/"></form>`;
    const form = (id: string) => document.getElementById(id) as HTMLFormElement;
    const button = (id: string) => document.getElementById(id) as HTMLButtonElement;
    expect(postsElsewhere(form('a'), button('s'))).toBe(true);
    expect(postsElsewhere(form('b'), null)).toBe(false);
    expect(postsElsewhere(form('b'), button('t'))).toBe(true);
    expect(postsElsewhere(form('c'), null)).toBe(false);
    expect(postsElsewhere(form('d'), null)).toBe(false);
    expect(postsElsewhere(null, null)).toBe(false);
  });
});

describe('older console wording', () => {
  it('finds the older "Settings" tab by exact name on a tab only, never the account\'s Settings link or a button', () => {
    loadFixture('policy-page-settings-tab.html');
    expect(findIntegrationsTab(document)?.id).toBe('settings-tab');
    document.getElementById('settings-tab')!.remove();
    expect(findIntegrationsTab(document)).toBeNull();
  });

  it('finds the older "Integrations" tab in a tab strip without roles, not the header link', () => {
    loadFixture('policy-page-integrations-tab-old.html');
    expect(findIntegrationsTab(document)?.id).toBe('integrations-tab');
  });

  it('prefers the current name when both are there', () => {
    loadFixture('policy-page-settings-tab.html');
    document.querySelector('[role="tablist"]')!.insertAdjacentHTML('beforeend', '<li><a id="current" role="tab">Integrations &amp; Settings</a></li>');
    expect(findIntegrationsTab(document)?.id).toBe('current');
  });

  it('finds the "Apps and Books" entry and section', () => {
    loadFixture('apps-and-books-old.html');
    expect(findAppleAppsNavEntry(document)?.id).toBe('apps-and-books-entry');
    loadFixture('apps-and-books-section-old.html');
    const panel = mustFindPanel();
    expect(findTokenEntriesFor(panel, 'Acme Warehouse')).toHaveLength(1);
  });
});
