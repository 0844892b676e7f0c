// @vitest-environment-options {"url":"https://app.addigy.com/policies/pol-1"}
import { readFileSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { afterEach, describe, expect, it, vi } from 'vitest';
import { pressConfirmationSave, runUploadJob } from '../../../lib/addigy-console/console-driver';
import { consoleReportSchema, type ConsoleJob, type ConsoleReport } from '../../../lib/addigy-console/console-messages';
import {
  GUIDE_PRESS_UPLOAD,
  guideOpenRenew,
  isConsoleTopDocument,
  pathNameOf,
  routeMatches,
  routeOf,
} from '../../../lib/addigy-console/guided-driver';

// Guided mode (issue 21) on a console Token Relay has no model of. The tab's URL is Addigy's console's.
const FIXTURES = join(dirname(fileURLToPath(import.meta.url)), '../../fixtures/addigy-console');
const fixture = (name: string): string => readFileSync(join(FIXTURES, name), 'utf8');

const TOKEN_TEXT = btoa(JSON.stringify({ token: 'c2VjcmV0LW9yZy11bml0LWlkZW50aWZpZXItMDAx', expDate: '2027-11-30T10:00:00+0000', orgName: 'Acme Corp' }));
const JOB: ConsoleJob = { renewalId: 'r-1', locationName: 'Acme Warehouse', fileName: 'sToken_for_Acme Warehouse.vpptoken', policyId: 'pol-1' };
// The model gives up fast; the admin's click may open the upload up to a second later.
const FAST = { stepTimeoutMs: 100, settleMs: 20, clickWindowMs: 1_000 };
const NO_DETAILS = { idNumber: '', name: '', appleId: '', organization: '' };

/**
 * A real click of the admin's. The browser alone sets `isTrusted` (a page script's event has it false, and cannot
 * change it); happy-dom cannot, so the test gives the event that own property, which is all the driver reads
 * (isTrustedClick).
 */
function trustedClick(element: Element): void {
  const event = new MouseEvent('click', { bubbles: true, cancelable: true });
  Object.defineProperty(event, 'isTrusted', { value: true });
  element.dispatchEvent(event);
}

interface UnfamiliarPage {
  received: File[];
  confirms: number;
  submits: string[];
}

const pageListeners: AbortController[] = [];

/**
 * The unfamiliar console's own script: "Replace token" (a span) opens an inline form with a file input and an
 * Upload button; Upload shows an inline block with the values to check and a Confirm link, or Bulma's red box.
 * `upload` changes what the span adds, for the security cases.
 */
function installUnfamiliar(options: { refuse?: boolean; upload?: (slot: HTMLElement) => void } = {}): UnfamiliarPage {
  const page: UnfamiliarPage = { received: [], confirms: 0, submits: [] };
  document.body.innerHTML = fixture('unfamiliar-console.html');
  const controller = new AbortController();
  pageListeners.push(controller);
  const slot = document.getElementById('upload-slot')!;
  let chosen: File | undefined;
  document.addEventListener(
    'submit',
    (event) => {
      event.preventDefault();
      page.submits.push((event.target as HTMLFormElement).action);
    },
    { signal: controller.signal, capture: true },
  );
  document.addEventListener(
    'click',
    (event) => {
      const target = event.target as Element;
      if (target.id === 'replace-acme') {
        if (options.upload) return options.upload(slot);
        slot.innerHTML = '<form class="inline-upload"><p>Choose the new token</p><input type="file" name="token"><button type="button" disabled>Upload</button></form>';
        const input = slot.querySelector('input')!;
        input.addEventListener('change', () => {
          chosen = input.files?.[0];
          slot.querySelector('button')!.removeAttribute('disabled');
        });
      } else if (target.textContent === 'Upload' && chosen) {
        page.received.push(chosen);
        chosen = undefined;
        setTimeout(() => {
          slot.innerHTML = options.refuse
            ? '<div class="notification is-danger">The identifier of this token does not match the token you are renewing</div>'
            : '<div class="confirm-block"><p>Check the new token</p><dl><dt>Location</dt><dd>Acme Warehouse</dd><dt>Organisation</dt><dd>Acme Corp</dd><dt>Token ID</dt><dd>4410022</dd></dl><a href="#confirm" class="button">Confirm</a> <a href="#cancel">Cancel</a></div>';
        }, 5);
      } else if (target.textContent === 'Confirm' && target.closest('.confirm-block')) {
        event.preventDefault();
        page.confirms += 1;
        setTimeout(() => (slot.innerHTML = ''), 5);
      }
    },
    { signal: controller.signal },
  );
  return page;
}

interface Recorder {
  reports: ConsoleReport[];
  fileRequests: number;
  requestFile(): Promise<{ fileName: string; text: string }>;
  report(report: ConsoleReport): void;
  next(kind: ConsoleReport['kind']): Promise<ConsoleReport>;
  all(kind: ConsoleReport['kind']): ConsoleReport[];
}

function recorder(): Recorder {
  const waiting: Array<{ kind: ConsoleReport['kind']; resolve: (report: ConsoleReport) => void }> = [];
  const io: Recorder = {
    reports: [],
    fileRequests: 0,
    async requestFile() {
      io.fileRequests += 1;
      return { fileName: JOB.fileName, text: TOKEN_TEXT };
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
    all: (kind) => io.reports.filter((report) => report.kind === kind),
  };
  return io;
}

const overlay = (): Element | null => document.querySelector('token-relay-guide');
const byText = (selector: string, text: string): HTMLElement | undefined =>
  [...document.querySelectorAll<HTMLElement>(selector)].find((element) => element.textContent?.trim() === text);
const sleep = (ms: number): Promise<void> => new Promise((resolve) => setTimeout(resolve, ms));
const filesIn = (root: ParentNode): number =>
  [...root.querySelectorAll<HTMLInputElement>('input[type="file"]')].reduce((sum, input) => sum + (input.files?.length ?? 0), 0);

/** Starts the job and waits for its first guide. */
async function guided(job: ConsoleJob = JOB, extra: Record<string, unknown> = {}) {
  const io = recorder();
  const controller = new AbortController();
  const end = runUploadJob(document, job, io, { signal: controller.signal, ...FAST, ...extra });
  const guide = await io.next('guide');
  return { io, controller, end, guide };
}

afterEach(() => {
  for (const controller of pageListeners.splice(0)) controller.abort();
  document.body.innerHTML = '';
  overlay()?.remove();
  sessionStorage.clear();
});

describe('guided mode on a console Token Relay has no model of', () => {
  it('guides the admin, hands over the file after their click, presses Upload, and reports the way and the details to confirm', async () => {
    const page = installUnfamiliar();
    const bodyBefore = document.body.innerHTML;
    const { io, controller, end, guide } = await guided();
    expect(guide).toMatchObject({ kind: 'guide', step: 'opening-apple-apps', say: guideOpenRenew('Acme Warehouse') });
    expect(guide.kind === 'guide' && guide.outline?.nodes.length).toBeGreaterThan(0);
    // Token Relay's own element, outside Addigy's body, its words in a closed shadow root.
    const host = overlay();
    expect(host?.parentElement).toBe(document.documentElement);
    expect(host?.shadowRoot).toBeNull();
    expect(document.body.innerHTML).toBe(bodyBefore);
    expect(io.fileRequests).toBe(0);

    trustedClick(document.getElementById('replace-acme')!);
    expect(await io.next('confirm-in-page')).toEqual({
      kind: 'confirm-in-page',
      details: { idNumber: '4410022', name: 'Acme Warehouse', appleId: '', organization: 'Acme Corp' },
    });
    expect(io.all('path')).toEqual([{ kind: 'path', path: { route: '/policies/{policy}', controls: ['Replace token'] } }]);
    // The check's own words are not Addigy's answer (the background would file them over the details).
    expect(io.all('answer')).toEqual([]);
    expect(io.fileRequests).toBe(1);
    expect(page.received).toHaveLength(1);
    expect(page.received[0]?.name).toBe(JOB.fileName);
    expect(await page.received[0]?.text()).toBe(TOKEN_TEXT);
    // The popup words confirm-in-page itself: no second report races it; the tab's guide still says it.
    expect(io.all('guide')).toHaveLength(1);
    expect(overlay()).not.toBeNull();

    // The popup's Renew presses the block's one confirming control.
    const press = recorder();
    expect(await pressConfirmationSave(document, 'r-1', press, { signal: new AbortController().signal, ...FAST })).toBe('saved');
    expect(page.confirms).toBe(1);
    expect(press.reports.at(-1)).toEqual({ kind: 'saved', by: 'token-relay' });

    controller.abort();
    expect(await end).toBe('aborted');
    expect(overlay()).toBeNull();
    expect(JSON.stringify([...io.reports, ...press.reports])).not.toContain(TOKEN_TEXT);
  });

  it('takes the guide away once the admin confirmed in Addigy\'s block, and goes on reading Addigy\'s answer', async () => {
    const page = installUnfamiliar();
    const { io, controller, end } = await guided();
    trustedClick(document.getElementById('replace-acme')!);
    await io.next('confirm-in-page');
    expect(overlay()).not.toBeNull();
    trustedClick(byText('a', 'Confirm')!);
    await sleep(50);
    expect(page.confirms).toBe(1);
    expect(overlay()).toBeNull();
    document.getElementById('upload-slot')!.innerHTML = '<div class="notification is-danger">Not replaced. Error syncing token</div>';
    await vi.waitFor(() => expect(io.all('answer')).toContainEqual({ kind: 'answer', text: 'Not replaced. Error syncing token' }));
    controller.abort();
    await end;
  });

  it('reports Addigy\'s refusal in a red box without role as its answer at once, and asks for no confirmation', async () => {
    installUnfamiliar({ refuse: true });
    const { io, controller, end } = await guided();
    trustedClick(document.getElementById('replace-acme')!);
    const answer = await io.next('answer');
    expect(answer).toEqual({ kind: 'answer', text: 'The identifier of this token does not match the token you are renewing' });
    // Well past the bound for a confirmation: none is asked for, since the refusal replaced it.
    await sleep(FAST.stepTimeoutMs * 4);
    expect(io.all('confirm-in-page')).toEqual([]);
    expect(io.all('answer')).toHaveLength(1);
    controller.abort();
    expect(await end).toBe('aborted');
  });

  it('says the admin confirms in Addigy\'s window where no details can be read, and presses no unknown button', async () => {
    installUnfamiliar({
      upload: (slot) => {
        slot.innerHTML = '<div><input type="file"><span tabindex="0">Send it</span></div>';
      },
    });
    const { io, controller, end } = await guided();
    trustedClick(document.getElementById('replace-acme')!);
    await io.next('path');
    const press = await io.next('guide').then(() => sleep(FAST.stepTimeoutMs * 3)).then(() => io.all('guide').at(-1));
    expect(press).toMatchObject({ kind: 'guide', say: GUIDE_PRESS_UPLOAD });
    expect(filesIn(document)).toBe(1);
    controller.abort();
    await end;
  });
});

describe('guided mode from page to page', () => {
  it('goes on guiding at once on the page the admin\'s link loaded, keeping the names pressed before', async () => {
    installUnfamiliar();
    // The console's router takes the link; the tab then loads the new page (pagehide), as a full navigation does.
    document.getElementById('configs-link')!.addEventListener('click', (event) => event.preventDefault(), { signal: pageListeners[0]!.signal });
    const first = await guided();
    trustedClick(document.getElementById('configs-link')!);
    window.dispatchEvent(new Event('pagehide'));
    expect(await first.end).toBe('aborted');

    installUnfamiliar();
    const io = recorder();
    const controller = new AbortController();
    const startedAt = Date.now();
    // A model that would take 5 s to give up is not waited for.
    const end = runUploadJob(document, JOB, io, { signal: controller.signal, ...FAST, stepTimeoutMs: 5_000 });
    expect(await io.next('guide')).toMatchObject({ step: 'opening-apple-apps' });
    expect(Date.now() - startedAt).toBeLessThan(1_000);
    trustedClick(document.getElementById('replace-acme')!);
    expect(await io.next('path')).toEqual({ kind: 'path', path: { route: '/policies/{policy}', controls: ['Configurations', 'Replace token'] } });
    controller.abort();
    await end;
  });

  it('guides at once when the background says the renewal is already guided', async () => {
    installUnfamiliar();
    const io = recorder();
    const controller = new AbortController();
    const startedAt = Date.now();
    const job = { ...JOB, guided: true } as ConsoleJob;
    const end = runUploadJob(document, job, io, { signal: controller.signal, ...FAST, stepTimeoutMs: 5_000 });
    expect(await io.next('guide')).toMatchObject({ step: 'opening-apple-apps' });
    expect(Date.now() - startedAt).toBeLessThan(1_000);
    controller.abort();
    await end;
  });

  it('runs the model first again once a job ended here (a Retry later, a new job)', async () => {
    installUnfamiliar();
    const first = await guided();
    trustedClick(document.getElementById('replace-acme')!);
    await first.io.next('path');
    first.controller.abort();
    await first.end;
    const io = recorder();
    const controller = new AbortController();
    const end = runUploadJob(document, JOB, io, { signal: controller.signal, ...FAST, stepTimeoutMs: 300 });
    await sleep(150);
    expect(io.all('guide')).toEqual([]);
    await io.next('guide');
    controller.abort();
    await end;
  });
});

describe('the remembered way', () => {
  it('is tried first: the second renewal presses the admin\'s controls itself, with no guide and no overlay', async () => {
    const page = installUnfamiliar();
    const io = recorder();
    const controller = new AbortController();
    const job = { ...JOB, knownPath: { route: '/policies/{policy}', controls: ['Replace token'] } };
    const end = runUploadJob(document, job, io, { signal: controller.signal, ...FAST });
    expect(await io.next('confirm-in-page')).toMatchObject({ details: { name: 'Acme Warehouse', idNumber: '4410022' } });
    expect(await page.received[0]?.text()).toBe(TOKEN_TEXT);
    expect(io.all('guide')).toEqual([]);
    expect(overlay()).toBeNull();
    controller.abort();
    expect(await end).toBe('aborted');
  });

  it('presses Renew in the row of the job\'s location when several have one', async () => {
    installUnfamiliar();
    const clicked: string[] = [];
    document.addEventListener('click', (event) => clicked.push((event.target as Element).id), { capture: true, signal: pageListeners[0]!.signal });
    const io = recorder();
    const controller = new AbortController();
    // The first "Replace token" on the page is another location's.
    document.querySelector('.layout')!.append(document.getElementById('card-acme')!);
    const end = runUploadJob(document, { ...JOB, knownPath: { route: '/policies/{policy}', controls: ['Replace token'] } }, io, { signal: controller.signal, ...FAST });
    await io.next('confirm-in-page');
    expect(clicked[0]).toBe('replace-acme');
    controller.abort();
    await end;
  });

  it('falls back to guiding the admin when a remembered control is not there', async () => {
    installUnfamiliar();
    const { io, controller, end, guide } = await guided({ ...JOB, knownPath: { route: '/policies/{policy}', controls: ['Open licences'] } }, { pathStepMs: 50 });
    expect(guide).toMatchObject({ kind: 'guide', step: 'opening-apple-apps' });
    expect(io.fileRequests).toBe(0);
    controller.abort();
    await end;
  });

  it('goes to the remembered route by the page\'s own link (it knows the ids the route does not keep), once', async () => {
    installUnfamiliar();
    const visited: string[] = [];
    const job = { ...JOB, knownPath: { route: '/org/*/configs/{policy}', controls: ['Replace token'] } };
    const controller = new AbortController();
    const end = runUploadJob(document, job, recorder(), { signal: controller.signal, ...FAST, pathStepMs: 50, navigate: (url: string) => visited.push(url) });
    await sleep(20);
    expect(visited).toEqual(['https://app.addigy.com/org/o-77/configs/pol-1?pane=store']);
    controller.abort();
    await end;
    // The same renewal on a page that did not turn into that route presses on from here instead of looping.
    const again = new AbortController();
    const io = recorder();
    const second = runUploadJob(document, job, io, { signal: again.signal, ...FAST, pathStepMs: 50, navigate: (url: string) => visited.push(url) });
    await io.next('confirm-in-page');
    expect(visited).toHaveLength(1);
    again.abort();
    await second;
  });

  it('names the policy in the route by the policy page the tab opened on, when the job does not', async () => {
    installUnfamiliar();
    const { policyId: _policyId, ...withoutPolicy } = JOB;
    const { io, controller, end } = await guided(withoutPolicy);
    trustedClick(document.getElementById('replace-acme')!);
    expect(await io.next('path')).toEqual({ kind: 'path', path: { route: '/policies/{policy}', controls: ['Replace token'] } });
    controller.abort();
    await end;
  });

  it('keeps only UI words and the location placeholder, and the route\'s shape', () => {
    expect(pathNameOf('Replace token', 'Acme Warehouse')).toBe('Replace token');
    expect(pathNameOf('Renew token for Acme Warehouse', 'Acme Warehouse')).toBe('Renew token for {location}');
    expect(pathNameOf('Acme Corp policy', 'Acme Warehouse')).toBeNull();
    expect(pathNameOf('it-admin@acme.example', 'Acme Warehouse')).toBeNull();
    expect(routeOf('/org/o-77/configs/pol-1', 'pol-1')).toBe('/org/*/configs/{policy}');
    expect(routeOf('/acme-corp/settings', 'pol-1')).toBe('/*/settings');
    expect(routeMatches('/org/*/configs/{policy}', '/org/o-99/configs/pol-1', 'pol-1')).toBe(true);
    expect(routeMatches('/org/*/configs/{policy}', '/policies/pol-1', 'pol-1')).toBe(false);
  });
});

// Plan point 3 / issue point 6: the file goes only to an upload control that appeared after the admin's own click in
// this tab, while the renewal waits for it, on screen, in Addigy's top document, posting nowhere else.
describe('the token goes to one place only', () => {
  it('gives nothing to an upload control a page script adds without the admin\'s click, or after its own scripted click', async () => {
    installUnfamiliar();
    const { io, controller, end } = await guided();
    document.getElementById('upload-slot')!.innerHTML = '<form><input type="file" id="by-script"><button type="button">Upload</button></form>';
    await sleep(50);
    // A page script "clicks" Replace: the page reacts (adds its form), but the click is not the admin's.
    document.getElementById('replace-acme')!.dispatchEvent(new MouseEvent('click', { bubbles: true }));
    expect(document.querySelector('.inline-upload input[type="file"]')).not.toBeNull();
    await sleep(100);
    expect(io.fileRequests).toBe(0);
    expect(filesIn(document)).toBe(0);
    expect(io.all('path')).toEqual([]);
    controller.abort();
    await end;
  });

  it('gives nothing to an upload control that was on the page before the admin\'s click, hidden, then shown', async () => {
    installUnfamiliar({
      upload: (slot) => {
        slot.querySelector('form')!.removeAttribute('hidden');
      },
    });
    document.getElementById('upload-slot')!.innerHTML = '<form hidden><input type="file"><button type="button">Upload</button></form>';
    const { io, controller, end } = await guided();
    trustedClick(document.getElementById('replace-acme')!);
    await sleep(100);
    expect(document.querySelector('#upload-slot form')?.hasAttribute('hidden')).toBe(false);
    expect(io.fileRequests).toBe(0);
    expect(filesIn(document)).toBe(0);
    controller.abort();
    await end;
  });

  it('gives nothing to an upload control whose form posts elsewhere, and submits nothing', async () => {
    const page = installUnfamiliar({
      upload: (slot) => {
        slot.innerHTML = '<form action="https://elsewhere.example/collect" method="post" enctype="multipart/form-data"><input type="file"><button>Upload</button></form>';
      },
    });
    const { io, controller, end } = await guided();
    trustedClick(document.getElementById('replace-acme')!);
    await sleep(100);
    expect(document.querySelector('#upload-slot input[type="file"]')).not.toBeNull();
    expect(io.fileRequests).toBe(0);
    expect(filesIn(document)).toBe(0);
    expect(page.submits).toEqual([]);
    controller.abort();
    await end;
  });

  it('gives nothing to a hidden upload control, even one that appeared after the admin\'s click', async () => {
    installUnfamiliar({
      upload: (slot) => {
        slot.innerHTML = '<div style="display:none"><input type="file"></div>';
      },
    });
    const { io, controller, end } = await guided();
    trustedClick(document.getElementById('replace-acme')!);
    await sleep(100);
    expect(document.querySelector('#upload-slot input[type="file"]')).not.toBeNull();
    expect(io.fileRequests).toBe(0);
    expect(filesIn(document)).toBe(0);
    controller.abort();
    await end;
  });

  it('gives nothing to an upload control that appears long after the admin\'s click', async () => {
    installUnfamiliar({
      upload: (slot) => {
        setTimeout(() => (slot.innerHTML = '<form><input type="file"></form>'), 150);
      },
    });
    const { io, controller, end } = await guided(JOB, { clickWindowMs: 50 });
    trustedClick(document.getElementById('replace-acme')!);
    await sleep(250);
    expect(document.querySelector('#upload-slot input[type="file"]')).not.toBeNull();
    expect(io.fileRequests).toBe(0);
    controller.abort();
    await end;
  });

  it('gives nothing in a frame, or off Addigy\'s console', () => {
    expect(isConsoleTopDocument(document)).toBe(true);
    const frame = { defaultView: { top: window }, location: { origin: 'https://app.addigy.com' } };
    (frame.defaultView as { top: unknown }).top = {};
    expect(isConsoleTopDocument(frame as unknown as Document)).toBe(false);
    const elsewhere = { defaultView: undefined as unknown, location: { origin: 'https://elsewhere.example' } };
    elsewhere.defaultView = { get top() { return elsewhere.defaultView; } };
    expect(isConsoleTopDocument(elsewhere as unknown as Document)).toBe(false);
  });

  it('leaves guided mode when the page goes away: the guide is gone and a later click hands over nothing', async () => {
    installUnfamiliar();
    const { io, end } = await guided();
    expect(overlay()).not.toBeNull();
    window.dispatchEvent(new Event('pagehide'));
    expect(await end).toBe('aborted');
    expect(overlay()).toBeNull();
    trustedClick(document.getElementById('replace-acme')!);
    await sleep(100);
    expect(io.fileRequests).toBe(0);
    expect(filesIn(document)).toBe(0);
  });

  it('leaves guided mode on abort (a new job): no guide, no listener, nothing handed over after', async () => {
    installUnfamiliar();
    const { io, controller, end } = await guided();
    controller.abort();
    expect(await end).toBe('aborted');
    expect(overlay()).toBeNull();
    trustedClick(document.getElementById('replace-acme')!);
    await sleep(100);
    expect(io.fileRequests).toBe(0);
    expect(io.reports.filter((report) => report.kind !== 'progress' && report.kind !== 'guide')).toEqual([]);
  });
});
