import { readFileSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest';
import { pressConfirmationSave, runUploadJob, type ConsoleIo } from '../../../lib/addigy-console/console-driver';
import type { ConsoleReport } from '../../../lib/addigy-console/console-messages';
import { clearConsoleState, createConsoleState, handleAddigyConsole } from '../../sandbox/addigy-console.mjs';
import { createFaultState } from '../../sandbox/faults.mjs';
import { createSeedState, issueToken } from '../../sandbox/world.mjs';
import type { ConsoleVariant, SandboxState } from '../../sandbox/index.mjs';

// The driver against the sandbox's own console page, run in happy-dom with its fetches answered in process:
// proves the stand-in and the driver speak the same page.
const APP_SCRIPT = readFileSync(join(dirname(fileURLToPath(import.meta.url)), '../../sandbox/addigy-console-app.js'), 'utf8');
const FAST = { stepTimeoutMs: 2_000, settleMs: 50 };

let state: SandboxState;
let consoleState: ReturnType<typeof createConsoleState>;

beforeEach(() => {
  state = createSeedState();
  consoleState = createConsoleState();
  vi.stubGlobal('fetch', async (input: string, init: RequestInit = {}) => {
    const url = new URL(input, 'https://app.addigy.com');
    const reply = handleAddigyConsole(
      { state, faults: createFaultState(), console: consoleState },
      { host: 'app.addigy.com', method: init.method ?? 'GET', url, headers: {}, body: String(init.body ?? '') },
    );
    return new Response(JSON.stringify(reply.body ?? null), { status: reply.status, headers: { 'content-type': 'application/json' } });
  });
});

afterEach(() => {
  clearConsoleState(consoleState);
  vi.unstubAllGlobals();
  document.body.innerHTML = '';
});

function openConsole(variants: ConsoleVariant[] = []): void {
  for (const variant of variants) consoleState.variants.add(variant);
  history.replaceState(null, '', '/policies/pol-root');
  const config = { variants, confirmationDelayMs: 0, user: { name: 'Sam Admin', email: 'sam@example.test' } };
  document.body.innerHTML = `<div id="app"></div><script id="__console_config__" type="application/json">${JSON.stringify(config)}</script>`;
  new Function(APP_SCRIPT)();
}

function recorder(text: string): ConsoleIo & { reports: ConsoleReport[] } {
  const reports: ConsoleReport[] = [];
  return {
    reports,
    requestFile: async () => ({ fileName: 'sToken_for_Warehouse.vpptoken', text }),
    report: (report) => reports.push(report),
  };
}

const job = { renewalId: 'r-1', locationName: 'Warehouse', fileName: 'sToken_for_Warehouse.vpptoken' };

async function untilConfirmation(io: { reports: ConsoleReport[] }, controller: AbortController, end: Promise<unknown>): Promise<void> {
  await vi.waitFor(() => expect(io.reports.some((report) => report.kind === 'confirmation' || report.kind === 'step-missing' || report.kind === 'refused')).toBe(true), { timeout: 5_000 });
  controller.abort();
  await end;
}

describe('the driver on the sandbox console', () => {
  it.each<[string, ConsoleVariant[]]>([
    ['table, dialog, hidden input', []],
    ['cards, no roles, drop only', ['cards', 'dialog-without-role', 'drop-only']],
  ])('renews from the policy page (%s) and Addigy takes the file', async (_name, variants) => {
    openConsole(variants);
    const text = issueToken(state, 'LOC-1002');
    const io = recorder(text);
    const controller = new AbortController();
    await untilConfirmation(io, controller, runUploadJob(document, job, io, { signal: controller.signal, ...FAST }));
    expect(io.reports.at(-1)).toEqual({
      kind: 'confirmation',
      details: { idNumber: '4410022', name: 'Warehouse', appleId: 'it-admin@acme.example', organization: 'Acme Corp' },
    });
    expect(consoleState.uploads.map((upload) => [upload.stage, upload.fileName, upload.text === text])).toEqual([['preview', job.fileName, true]]);

    const save = recorder(text);
    expect(await pressConfirmationSave(document, 'r-1', save, { signal: new AbortController().signal, ...FAST })).toBe('saved');
    expect(save.reports.at(-1)).toEqual({ kind: 'saved', by: 'token-relay' });
    expect(state.addigyTokens.find((token) => token.locationId === 'loc-warehouse')?.tokenText).toBe(text);
    expect(JSON.stringify([...io.reports, ...save.reports])).not.toContain(text);
  });

  it('reports the red box when Addigy refuses the file', async () => {
    openConsole(['refuse-identifier']);
    const io = recorder(issueToken(state, 'LOC-1002'));
    const end = await runUploadJob(document, job, io, { signal: new AbortController().signal, ...FAST });
    expect(end).toBe('refused');
    expect(io.reports.at(-1)).toEqual({
      kind: 'refused',
      text: 'Bad status response[400]: "The identifier of this token does not match the token you are renewing"',
    });
  });

  it('guides the admin where the Renew button is missing in the no-renew variant', async () => {
    openConsole(['no-renew']);
    const io = recorder(issueToken(state, 'LOC-1002'));
    const controller = new AbortController();
    const end = runUploadJob(document, job, io, { signal: controller.signal, stepTimeoutMs: 300 });
    await vi.waitFor(() => expect(io.reports.some((report) => report.kind === 'guide')).toBe(true), { timeout: 5_000 });
    controller.abort();
    expect(await end).toBe('aborted');
    expect(io.reports.find((report) => report.kind === 'guide')).toMatchObject({ kind: 'guide', step: 'opening-renew' });
  });
});
