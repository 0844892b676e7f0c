import { readFileSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { afterEach, describe, expect, it } from 'vitest';
import type { ConsoleJob, ConsoleReport } from '../../../lib/addigy-console/console-messages';
import { consoleReportSchema } from '../../../lib/addigy-console/console-messages';
import { pressConfirmationSave, redactErrorText, runUploadJob, type ConsoleIo } from '../../../lib/addigy-console/console-driver';
import { GUIDE_PRESS_UPLOAD } from '../../../lib/addigy-console/guided-driver';

const FIXTURES = join(dirname(fileURLToPath(import.meta.url)), '../../fixtures/addigy-console');
const fixture = (name: string): string => readFileSync(join(FIXTURES, name), 'utf8');

// A token-shaped secret: base64 of JSON, longer than 40 characters.
const TOKEN_TEXT = btoa(JSON.stringify({ token: 'c2VjcmV0LW9yZy11bml0LWlkZW50aWZpZXItMDAx', expDate: '2027-11-30T10:00:00+0000', orgName: 'Acme Corp' }));
const JOB: ConsoleJob = { renewalId: 'r-1', locationName: 'Acme Warehouse', fileName: 'sToken_for_Acme Warehouse.vpptoken' };
const FAST = { stepTimeoutMs: 300, settleMs: 30 };

// happy-dom has DataTransfer; give it a stand-in only where a DOM lacks one.
if (typeof globalThis.DataTransfer !== 'function') {
  class MiniDataTransfer {
    readonly list: File[] = [];
    readonly items = { add: (file: File) => this.list.push(file) };
    get files(): FileList {
      return Object.assign([...this.list], { item: (index: number) => this.list[index] ?? null }) as unknown as FileList;
    }
  }
  globalThis.DataTransfer = MiniDataTransfer as unknown as typeof DataTransfer;
}

interface PageScript {
  /** What the page received as the token file. */
  received: File[];
  /** The window Renew opens: one of the two usual ones, none, or another fixture's `.modal`. */
  renewWindow: 'hidden-input' | 'drop-only' | 'none' | `${string}.html`;
  /** After Renew's Save: show the confirmation, an error box, or nothing. */
  preview: 'confirm' | { error: string } | 'silent';
  /**
   * After the confirmation's Save: close; or show an error box near Scan Now (`lateMs` after the window closed);
   * or close and add a fixture (hidden alerts); or nothing.
   */
  save: 'close' | { error: string; lateMs?: number } | { fixture: string } | 'silent';
}

const confirmationHtml = fixture('confirmation-dialog.html');

/** A small scripted stand-in for the console's reactions, on top of a fixture page. */
function installPage(start: string, script: Partial<PageScript> = {}): PageScript {
  const page: PageScript = { received: [], renewWindow: 'hidden-input', preview: 'confirm', save: 'close', ...script };
  for (const earlier of pageListeners.splice(0)) earlier.abort();
  document.body.innerHTML = fixture(start);
  const controller = new AbortController();
  pageListeners.push(controller);
  const signal = controller.signal;
  const showError = (text: string): void => {
    document.body.insertAdjacentHTML('beforeend', `<div class="notification is-danger" role="alert"></div>`);
    document.body.lastElementChild!.textContent = text;
  };
  const afterSave = (file: File): void => {
    page.received.push(file);
    document.querySelector('.modal')?.remove();
    if (page.preview === 'confirm') document.body.insertAdjacentHTML('beforeend', confirmationHtml);
    else if (page.preview !== 'silent') showError(page.preview.error);
  };
  let chosen: File | undefined;
  document.addEventListener(
    'click',
    (event) => {
      const target = (event.target as Element).closest('button,a');
      const label = target?.textContent?.trim();
      if (label === 'Integrations & Settings') {
        document.body.innerHTML = fixture('apple-apps-table.html');
      } else if (label === 'Renew' && page.renewWindow !== 'none') {
        const html = fixture(
          page.renewWindow === 'drop-only'
            ? 'renew-window-drop-only.html'
            : page.renewWindow === 'hidden-input'
              ? 'renew-window-hidden-input.html'
              : page.renewWindow,
        );
        const holder = document.createElement('div');
        holder.innerHTML = html;
        document.body.append(holder.querySelector('.modal')!);
        const input = document.querySelector<HTMLInputElement>('.modal input[type="file"]');
        input?.addEventListener('change', () => {
          chosen = input.files?.[0];
          document.querySelector('.modal button[disabled]')?.removeAttribute('disabled');
        });
        document.querySelector('.modal .dropzone')?.addEventListener('drop', (drop) => {
          drop.preventDefault();
          chosen = (drop as DragEvent).dataTransfer?.files[0];
        });
      } else if (label === 'Save' && target?.closest('.modal') && chosen) {
        const file = chosen;
        chosen = undefined;
        setTimeout(() => afterSave(file), 5);
      } else if (label === 'Save' && target?.closest('[aria-label="Confirm token"]')) {
        setTimeout(() => {
          if (page.save === 'silent') return;
          target.closest('.modal')?.remove();
          const save = page.save;
          if (save === 'close') return;
          if ('fixture' in save) document.body.insertAdjacentHTML('beforeend', fixture(save.fixture));
          else if (save.lateMs === undefined) showError(save.error);
          else setTimeout(() => showError(save.error), save.lateMs);
        }, 5);
      }
    },
    { signal },
  );
  return page;
}

const pageListeners: AbortController[] = [];

interface Recorder extends ConsoleIo {
  reports: ConsoleReport[];
  fileRequests: number;
  /** Whether the file input or drop zone was on screen when the file was asked for. */
  inputSeenAtRequest: boolean[];
  next(kind: ConsoleReport['kind']): Promise<ConsoleReport>;
}

function recorder(file: { fileName: string; text: string } | null = { fileName: JOB.fileName, text: TOKEN_TEXT }): Recorder {
  const waiting: Array<{ kind: ConsoleReport['kind']; resolve: (report: ConsoleReport) => void }> = [];
  const io: Recorder = {
    reports: [],
    fileRequests: 0,
    inputSeenAtRequest: [],
    async requestFile() {
      io.fileRequests += 1;
      io.inputSeenAtRequest.push(document.querySelector('.modal input[type="file"], .modal .dropzone') !== null);
      return file ?? undefined;
    },
    report(report) {
      expect(consoleReportSchema.safeParse(report).success).toBe(true);
      io.reports.push(report);
      for (const waiter of waiting.filter((candidate) => candidate.kind === report.kind)) {
        waiting.splice(waiting.indexOf(waiter), 1);
        waiter.resolve(report);
      }
    },
    next(kind) {
      const seen = io.reports.find((report) => report.kind === kind);
      return seen ? Promise.resolve(seen) : new Promise((resolve) => waiting.push({ kind, resolve }));
    },
  };
  return io;
}

const steps = (io: Recorder): string[] =>
  io.reports.filter((report) => report.kind === 'progress').map((report) => (report as { step: string }).step);

/**
 * Guided mode (issue 21): where the model's step is not found, the job does not end; it guides the admin and waits.
 * Returns the first guide report, then stops the job.
 */
async function guidedAt(io: Recorder, controller: AbortController, job: Promise<unknown>): Promise<ConsoleReport> {
  const guide = await io.next('guide');
  controller.abort();
  expect(await job).toBe('aborted');
  return guide;
}

const confirmationSave = (): HTMLElement =>
  [...document.querySelectorAll<HTMLElement>('[aria-label="Confirm token"] button')].find((button) => button.textContent === 'Save')!;

/** A click the browser would mark as the user's own. */
function trustedClick(element: Element): void {
  const event = new MouseEvent('click', { bubbles: true, cancelable: true });
  Object.defineProperty(event, 'isTrusted', { value: true });
  element.dispatchEvent(event);
}

afterEach(() => {
  for (const controller of pageListeners.splice(0)) controller.abort();
  document.body.innerHTML = '';
});

describe('runUploadJob', () => {
  it('opens Integrations & Settings, renews the token through the hidden input, and reports the confirmation', async () => {
    const page = installPage('policy-page-integrations-tab.html');
    const io = recorder();
    const controller = new AbortController();
    const job = runUploadJob(document, JOB, io, { signal: controller.signal, ...FAST });

    const confirmation = await io.next('confirmation');
    expect(confirmation).toEqual({
      kind: 'confirmation',
      details: { idNumber: '4410022', name: 'Acme Warehouse', appleId: 'it-admin@acme.example', organization: 'Acme Corp' },
    });
    expect(steps(io)).toEqual(['opening-apple-apps', 'finding-token', 'opening-renew', 'handing-over-file', 'waiting-for-confirmation']);
    expect(io.fileRequests).toBe(1);
    expect(io.inputSeenAtRequest).toEqual([true]);
    const [file] = page.received;
    expect(file?.name).toBe(JOB.fileName);
    expect(file?.type).toBe('application/octet-stream');
    expect(await file?.text()).toBe(TOKEN_TEXT);

    controller.abort();
    expect(await job).toBe('aborted');
    expect(JSON.stringify(io.reports)).not.toContain(TOKEN_TEXT);
    expect(document.body.innerHTML).not.toContain(TOKEN_TEXT);
  });

  it('drops the file on a drop-only zone in a window without role', async () => {
    const page = installPage('apple-apps-table.html', { renewWindow: 'drop-only' });
    const io = recorder();
    const controller = new AbortController();
    void runUploadJob(document, JOB, io, { signal: controller.signal, ...FAST });
    await io.next('confirmation');
    expect(await page.received[0]?.text()).toBe(TOKEN_TEXT);
    expect(io.inputSeenAtRequest).toEqual([true]);
    controller.abort();
  });

  it('finds a token in cards', async () => {
    installPage('apple-apps-cards.html');
    const io = recorder();
    const controller = new AbortController();
    void runUploadJob(document, JOB, io, { signal: controller.signal, ...FAST });
    await io.next('confirmation');
    controller.abort();
  });

  it('goes on to the outcome when the admin really clicks Save in Addigy\'s window', async () => {
    installPage('apple-apps-table.html');
    const io = recorder();
    const job = runUploadJob(document, JOB, io, { signal: new AbortController().signal, ...FAST });
    await io.next('confirmation');
    trustedClick(confirmationSave());
    expect(await job).toBe('saved');
    expect(io.reports.at(-1)).toEqual({ kind: 'saved', by: 'admin' });
    expect(steps(io).at(-1)).toBe('saving');
  });

  it('does not follow a page script\'s click on Save in Addigy\'s window, even one the page acts on', async () => {
    installPage('apple-apps-table.html');
    const io = recorder();
    const controller = new AbortController();
    const job = runUploadJob(document, JOB, io, { signal: controller.signal, ...FAST });
    await io.next('confirmation');
    // The click reaches every capture listener on the document (the driver's among them) and the page's handler,
    // which closes the window as after a real Save.
    const seen: Event[] = [];
    document.addEventListener('click', (event) => seen.push(event), { capture: true, once: true });
    const scripted = new MouseEvent('click', { bubbles: true, cancelable: true });
    confirmationSave().dispatchEvent(scripted);
    expect(seen).toEqual([scripted]);
    expect(scripted.isTrusted).toBeFalsy();
    // Longer than the window's closing and settleMs together: a followed click would have ended in saved by now.
    await new Promise((resolve) => setTimeout(resolve, FAST.settleMs * 5));
    expect(document.querySelector('[aria-label="Confirm token"]')).toBeNull();
    expect(steps(io)).not.toContain('saving');
    expect(io.reports.some((report) => report.kind === 'saved')).toBe(false);
    controller.abort();
    expect(await job).toBe('aborted');
  });

  it('reports Addigy\'s refusal after the first Save, with any token text redacted', async () => {
    installPage('apple-apps-table.html', {
      preview: { error: `Bad status response[400]: "The identifier of this token does not match the token you are renewing" ${TOKEN_TEXT}` },
    });
    const io = recorder();
    const end = await runUploadJob(document, JOB, io, { signal: new AbortController().signal, ...FAST });
    expect(end).toBe('refused');
    expect(io.reports.at(-1)).toEqual({
      kind: 'refused',
      text: 'Bad status response[400]: "The identifier of this token does not match the token you are renewing" [redacted]',
    });
    expect(JSON.stringify(io.reports)).not.toContain(TOKEN_TEXT);
  });

  it('ignores an error box that was already on screen', async () => {
    installPage('apple-apps-table.html');
    document.body.insertAdjacentHTML('beforeend', '<div role="alert">Bad status response[400]: "Error syncing token"</div>');
    const io = recorder();
    const controller = new AbortController();
    void runUploadJob(document, JOB, io, { signal: controller.signal, ...FAST });
    await io.next('confirmation');
    controller.abort();
  });

  it('guides the admin where the Renew button is missing, within the bound, with a page outline', async () => {
    installPage('apple-apps-table.html');
    for (const button of [...document.querySelectorAll('button')].filter((candidate) => candidate.textContent === 'Renew')) button.remove();
    const io = recorder();
    const startedAt = Date.now();
    const controller = new AbortController();
    const missing = await guidedAt(io, controller, runUploadJob(document, JOB, io, { signal: controller.signal, stepTimeoutMs: 200 }));
    expect(Date.now() - startedAt).toBeLessThan(1_000);
    expect(missing).toMatchObject({ kind: 'guide', step: 'opening-renew' });
    expect(missing?.kind === 'guide' && missing.outline?.nodes.some((node) => node.includes('button "Scan Now"'))).toBe(true);
    expect(JSON.stringify(missing.kind === 'guide' && missing.outline)).not.toContain('Acme Warehouse');
    expect(io.reports.some((report) => report.kind === 'step-missing')).toBe(false);
    expect(io.fileRequests).toBe(0);
  });

  it('guides the admin where the token is missing, or where there are several', async () => {
    installPage('apple-apps-table.html');
    const io = recorder();
    const first = new AbortController();
    expect(await guidedAt(io, first, runUploadJob(document, { ...JOB, locationName: 'Southwind' }, io, { signal: first.signal, ...FAST }))).toMatchObject({ kind: 'guide', step: 'finding-token' });
    const row = document.querySelector('tbody tr:nth-child(2)')!;
    row.after(row.cloneNode(true));
    const again = recorder();
    const second = new AbortController();
    expect(await guidedAt(again, second, runUploadJob(document, JOB, again, { signal: second.signal, ...FAST }))).toMatchObject({ kind: 'guide', step: 'finding-token' });
  });

  it('guides the admin where the Renew window is missing, and never asks for the file', async () => {
    installPage('apple-apps-table.html', { renewWindow: 'none' });
    const io = recorder();
    const controller = new AbortController();
    expect(await guidedAt(io, controller, runUploadJob(document, JOB, io, { signal: controller.signal, ...FAST }))).toMatchObject({ kind: 'guide', step: 'opening-renew' });
    expect(io.fileRequests).toBe(0);
  });

  it('guides the admin where the Apple Apps section is missing on a page without it', async () => {
    document.body.innerHTML = '<main><h1>Devices</h1></main>';
    const io = recorder();
    const controller = new AbortController();
    expect(await guidedAt(io, controller, runUploadJob(document, JOB, io, { signal: controller.signal, ...FAST }))).toMatchObject({ kind: 'guide', step: 'opening-apple-apps' });
  });

  it('stops on the sign-in page', async () => {
    document.body.innerHTML = fixture('login-page.html');
    const io = recorder();
    await runUploadJob(document, JOB, io, { signal: new AbortController().signal, ...FAST });
    expect(io.reports.at(-1)).toMatchObject({ kind: 'step-missing', step: 'opening-apple-apps', what: 'a signed-in Addigy console' });
  });

  it('says when no file came, and that the admin confirms in Addigy\'s window when the confirmation never shows', async () => {
    installPage('apple-apps-table.html');
    const noFile = recorder(null);
    await runUploadJob(document, JOB, noFile, { signal: new AbortController().signal, ...FAST });
    expect(noFile.reports.at(-1)).toMatchObject({ kind: 'step-missing', step: 'handing-over-file', what: 'the token file' });

    installPage('apple-apps-table.html', { preview: 'silent' });
    const io = recorder();
    const controller = new AbortController();
    const job = runUploadJob(document, JOB, io, { signal: controller.signal, ...FAST });
    expect(await io.next('confirm-in-page')).toEqual({
      kind: 'confirm-in-page',
      details: { idNumber: '', name: '', appleId: '', organization: '' },
    });
    expect(io.reports.some((report) => report.kind === 'step-missing')).toBe(false);
    controller.abort();
    expect(await job).toBe('aborted');
  });

  it('reports nothing more once aborted', async () => {
    installPage('policy-page-integrations-tab.html', { preview: 'silent' });
    const io = recorder();
    const controller = new AbortController();
    const job = runUploadJob(document, JOB, io, { signal: controller.signal, stepTimeoutMs: 5_000 });
    await io.next('progress');
    controller.abort();
    expect(await job).toBe('aborted');
    const count = io.reports.length;
    await new Promise((resolve) => setTimeout(resolve, 30));
    expect(io.reports).toHaveLength(count);
  });
});

// Vendor point 6 (issue 19): older versions of Addigy's article name the tab "Settings" or "Integrations", the
// section "Apps and Books".
describe('runUploadJob in an older console', () => {
  /** The older tab opens a sub-navigation with "Apps and Books", which opens the section with the tokens. */
  function olderConsole(start: string): { clicked: string[]; page: PageScript } {
    const page = installPage(start);
    const clicked: string[] = [];
    const onClick = (event: Event): void => {
      const target = (event.target as Element).closest('a,button');
      clicked.push(target?.id || (target?.textContent ?? '').trim());
      if (target?.id === 'settings-tab' || target?.id === 'integrations-tab') document.body.innerHTML = fixture('apps-and-books-old.html');
      else if (target?.id === 'apps-and-books-entry') document.body.innerHTML = fixture('apps-and-books-section-old.html');
    };
    document.addEventListener('click', onClick, { capture: true });
    pageListeners.push({ abort: () => document.removeEventListener('click', onClick, { capture: true }) } as AbortController);
    return { clicked, page };
  }

  it('opens the "Settings" tab, then "Apps and Books", and never the account\'s Settings link or a Settings button', async () => {
    const { clicked, page } = olderConsole('policy-page-settings-tab.html');
    const io = recorder();
    const controller = new AbortController();
    void runUploadJob(document, JOB, io, { signal: controller.signal, ...FAST });
    await io.next('confirmation');
    controller.abort();
    expect(clicked.slice(0, 3)).toEqual(['settings-tab', 'apps-and-books-entry', 'Renew']);
    expect(clicked).not.toContain('account-settings');
    expect(clicked).not.toContain('policy-settings-button');
    expect(await page.received[0]?.text()).toBe(TOKEN_TEXT);
  });

  it('opens the "Integrations" tab of a tab strip, not the header\'s Integrations link', async () => {
    const { clicked } = olderConsole('policy-page-integrations-tab-old.html');
    const io = recorder();
    const controller = new AbortController();
    void runUploadJob(document, JOB, io, { signal: controller.signal, ...FAST });
    await io.next('confirmation');
    controller.abort();
    expect(clicked.slice(0, 3)).toEqual(['integrations-tab', 'apps-and-books-entry', 'Renew']);
  });

  it('presses no lone "Settings" control outside a tab strip', async () => {
    const { clicked } = olderConsole('policy-page-settings-tab.html');
    document.querySelector('[role="tablist"]')!.remove();
    const io = recorder();
    const controller = new AbortController();
    expect(await guidedAt(io, controller, runUploadJob(document, JOB, io, { signal: controller.signal, ...FAST }))).toMatchObject({ kind: 'guide', step: 'opening-apple-apps' });
    expect(clicked).toEqual([]);
  });
});

// Security finding 1 (issue 19): markup alone, already on the page, posing as Addigy's windows.
describe('runUploadJob on a page with look-alike windows', () => {
  /** The hostile fixture, placed before the app's content as in the report. */
  function addHostileMarkup(): { submits: string[] } {
    const holder = document.createElement('div');
    holder.innerHTML = fixture('hostile-windows-before-app.html');
    document.body.prepend(...holder.childNodes);
    const submits: string[] = [];
    for (const form of document.querySelectorAll('form')) form.addEventListener('submit', (event) => { event.preventDefault(); submits.push(form.id || form.action); });
    return { submits };
  }
  const filesOf = (id: string): number => (document.getElementById(id) as HTMLInputElement).files?.length ?? 0;

  it('ignores a dialog and an upload area that were there before Renew, and uses the window Renew opened', async () => {
    const page = installPage('apple-apps-table.html');
    const hostile = addHostileMarkup();
    const clicked: string[] = [];
    document.addEventListener('click', (event) => clicked.push((event.target as Element).id), { capture: true });
    const io = recorder();
    const controller = new AbortController();
    void runUploadJob(document, JOB, io, { signal: controller.signal, ...FAST });
    // The look-alike confirmation was there before the Save: its values are never reported.
    expect(await io.next('confirmation')).toEqual({
      kind: 'confirmation',
      details: { idNumber: '4410022', name: 'Acme Warehouse', appleId: 'it-admin@acme.example', organization: 'Acme Corp' },
    });
    expect(await page.received[0]?.text()).toBe(TOKEN_TEXT);
    expect(filesOf('hostile-input')).toBe(0);
    expect(filesOf('hostile-area-input')).toBe(0);
    expect(hostile.submits).toEqual([]);
    expect(clicked.filter((id) => id.startsWith('hostile'))).toEqual([]);
    controller.abort();
  });

  it('presses Save only in the confirmation that appeared after its own Save, not a look-alike that was there before', async () => {
    installPage('apple-apps-table.html');
    addHostileMarkup();
    const io = recorder();
    const controller = new AbortController();
    void runUploadJob(document, JOB, io, { signal: controller.signal, ...FAST });
    await io.next('confirmation');
    controller.abort();
    const clicked: string[] = [];
    document.addEventListener('click', (event) => clicked.push((event.target as Element).id), { capture: true });
    const press = recorder();
    // The real window closes; the look-alike stays, and must not be read as Addigy's window still open.
    expect(await pressConfirmationSave(document, 'r-1', press, { signal: new AbortController().signal, ...FAST })).toBe('saved');
    expect(clicked).not.toContain('hostile-confirm-save');
  });

  it('never hands the file to an input outside the window Renew opened', async () => {
    installPage('apple-apps-table.html', { renewWindow: 'renew-window-without-input.html' });
    addHostileMarkup();
    const io = recorder();
    const controller = new AbortController();
    expect(await guidedAt(io, controller, runUploadJob(document, JOB, io, { signal: controller.signal, ...FAST }))).toMatchObject({ kind: 'guide', step: 'handing-over-file' });
    expect(io.fileRequests).toBe(0);
    expect(filesOf('hostile-input')).toBe(0);
    expect(filesOf('hostile-area-input')).toBe(0);
  });

  it('never gives the file to an input, or presses a Save, whose form posts to another origin', async () => {
    // An unclosed <form> before the app's root makes the app's own windows part of it.
    const page = installPage('apple-apps-table.html');
    const form = document.createElement('form');
    form.action = 'https://elsewhere.example/collect';
    form.method = 'post';
    form.enctype = 'multipart/form-data';
    const submits: string[] = [];
    form.addEventListener('submit', (event) => { event.preventDefault(); submits.push(form.action); });
    form.append(...document.body.childNodes);
    // The page's own buttons do not submit (as in an app that handles its clicks); the Renew window's Save will.
    for (const button of form.querySelectorAll('button')) button.type = 'button';
    document.body.append(form);
    const renewClick = (event: Event): void => {
      if ((event.target as Element).textContent !== 'Renew') return;
      // Right after the page's own handler added the window to the body: into the form, its Save a submit button.
      const modal = document.querySelector('.modal')!;
      form.append(modal);
      modal.querySelector('footer button')!.setAttribute('type', 'submit');
    };
    document.addEventListener('click', renewClick);
    const io = recorder();
    const controller = new AbortController();
    const guide = await guidedAt(io, controller, runUploadJob(document, JOB, io, { signal: controller.signal, ...FAST }));
    document.removeEventListener('click', renewClick);
    expect(guide).toMatchObject({ kind: 'guide', step: 'handing-over-file', say: GUIDE_PRESS_UPLOAD });
    expect(form.querySelector<HTMLInputElement>('.modal input[type="file"]')!.files?.length ?? 0).toBe(0);
    expect(submits).toEqual([]);
    expect(page.received).toEqual([]);
  });
});

describe('runUploadJob and Addigy\'s answer to Save', () => {
  it('reports an error Addigy shows a moment after its window closed, within settleMs', async () => {
    installPage('apple-apps-table.html', { save: { error: 'Bad status response[400]: "Error syncing token"', lateMs: 60 } });
    const io = recorder();
    const job = runUploadJob(document, JOB, io, { signal: new AbortController().signal, ...FAST, settleMs: 300 });
    await io.next('confirmation');
    trustedClick(confirmationSave());
    // The window is gone before the error shows.
    await new Promise((resolve) => setTimeout(resolve, 30));
    expect(document.querySelector('[aria-label="Confirm token"]')).toBeNull();
    expect(document.querySelector('[role="alert"]')).toBeNull();
    expect(await job).toBe('refused');
    expect(io.reports.at(-1)).toEqual({ kind: 'refused', text: 'Bad status response[400]: "Error syncing token"' });
  });

  it('does not count role=alert boxes that hold words but are hidden', async () => {
    installPage('apple-apps-table.html', { save: { fixture: 'hidden-alerts.html' } });
    const io = recorder();
    const job = runUploadJob(document, JOB, io, { signal: new AbortController().signal, ...FAST });
    await io.next('confirmation');
    trustedClick(confirmationSave());
    expect(await job).toBe('saved');
    expect(document.querySelectorAll('[role="alert"]')).toHaveLength(3);
  });
});

describe('pressConfirmationSave', () => {
  async function toConfirmation(script: Partial<PageScript>): Promise<void> {
    installPage('apple-apps-table.html', script);
    const io = recorder();
    const controller = new AbortController();
    void runUploadJob(document, JOB, io, { signal: controller.signal, ...FAST });
    await io.next('confirmation');
    controller.abort();
  }

  it('presses Save and reports saved once the window closed and no error followed', async () => {
    await toConfirmation({});
    const io = recorder();
    expect(await pressConfirmationSave(document, 'r-1', io, { signal: new AbortController().signal, ...FAST })).toBe('saved');
    expect(io.reports).toEqual([{ kind: 'progress', step: 'saving' }, { kind: 'saved', by: 'token-relay' }]);
  });

  it('reports the red error box Addigy shows after Save', async () => {
    await toConfirmation({ save: { error: 'Bad status response[400]: "Error syncing token"' } });
    const io = recorder();
    await pressConfirmationSave(document, 'r-1', io, { signal: new AbortController().signal, ...FAST });
    expect(io.reports.at(-1)).toEqual({ kind: 'refused', text: 'Bad status response[400]: "Error syncing token"' });
  });

  it('says when Addigy does not answer, or when there is no confirmation window', async () => {
    await toConfirmation({ save: 'silent' });
    const io = recorder();
    await pressConfirmationSave(document, 'r-1', io, { signal: new AbortController().signal, ...FAST });
    expect(io.reports.at(-1)).toMatchObject({ kind: 'step-missing', step: 'saving', what: "Addigy's answer to Save" });

    document.body.innerHTML = fixture('apple-apps-table.html');
    const none = recorder();
    await pressConfirmationSave(document, 'r-1', none, { signal: new AbortController().signal, ...FAST });
    expect(none.reports.at(-1)).toMatchObject({ kind: 'step-missing', step: 'saving', what: "Addigy's confirmation window" });
  });
});

describe('redactErrorText', () => {
  it('collapses whitespace, hides long base64 runs and caps the length', () => {
    expect(redactErrorText(`  Bad\n status  ${TOKEN_TEXT} `)).toBe('Bad status [redacted]');
    expect(redactErrorText('x'.repeat(20))).toBe('x'.repeat(20));
    expect(redactErrorText('word '.repeat(100)).length).toBeLessThanOrEqual(300);
  });
});
