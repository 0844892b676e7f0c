import { browser } from 'wxt/browser';
import { defineUnlistedScript } from 'wxt/utils/define-unlisted-script';
import {
  ADDIGY_CONSOLE_ORIGIN,
  backgroundToConsoleSchema,
  CONSOLE_DRIVER_GUARD,
  consoleFileReplySchema,
  type ConsoleReport,
  type ConsoleToBackground,
} from '../lib/addigy-console/console-messages';
import { pressConfirmationSave, runUploadJob, type ConsoleIo } from '../lib/addigy-console/console-driver';

// Not in the manifest: the background injects this (/addigy-console-driver.js) only into the top frame of the tabs it
// opened for a renewal, before each job it sends (AddigyConsoleTabs). Other Addigy pages get nothing of Token Relay.
// Idle until the background sends a job: one listener, no observers, no DOM work.
// No global name: WXT would end the file with a reference to one that the one-line wrapper never declares, and
// executeScript would reject with its ReferenceError.
export default defineUnlistedScript({ globalName: false, main });

/**
 * Exported by itself for the build's one-line entry wrapper (wxt.config.ts), as the Apple-page scripts: no WXT
 * context, so nothing is posted to the page. A copy orphaned by an update stops its job at the next step
 * (runtime.id is gone).
 */
export function main(): void {
  if (window.top !== window || location.origin !== ADDIGY_CONSOLE_ORIGIN) return;
  // Injected again on every page load and before every job: one copy per document, or two would each run a job.
  // The mark lives in the extension's own world (the page cannot see or set it); a copy orphaned by an update
  // gives way to the new one.
  const world = globalThis as { [CONSOLE_DRIVER_GUARD]?: () => boolean };
  if (world[CONSOLE_DRIVER_GUARD]?.()) return;
  world[CONSOLE_DRIVER_GUARD] = () => Boolean(browser.runtime?.id);
  let current: AbortController | undefined;
  // Save is pressed only for the renewal whose confirmation this tab showed.
  let confirmationShownFor: string | undefined;
  let runningUpload: string | undefined;
  // The renewal whose upload ran in this page (one per page load).
  let uploadedHere: string | undefined;
  const orphaned = (): boolean => {
    if (browser.runtime?.id) return false;
    current?.abort();
    return true;
  };

  const send = (message: ConsoleToBackground): Promise<unknown> => browser.runtime.sendMessage(message);
  const ioFor = (renewalId: string): ConsoleIo => ({
    async requestFile() {
      if (orphaned()) return undefined;
      const reply = consoleFileReplySchema.safeParse(await send({ type: 'console:need-file', renewalId }).catch(() => undefined));
      return reply.success && reply.data.ok ? { fileName: reply.data.fileName, text: reply.data.text } : undefined;
    },
    report(report: ConsoleReport) {
      if (orphaned()) return;
      if (report.kind === 'confirmation' || report.kind === 'confirm-in-page') confirmationShownFor = renewalId;
      void send({ type: 'console:report', renewalId, report }).catch(() => undefined);
    },
  });

  browser.runtime.onMessage.addListener((message, sender, sendResponse) => {
    // Only our own background: sender.id is the one field a page cannot forge.
    if (sender.id !== browser.runtime.id) return false;
    const parsed = backgroundToConsoleSchema.safeParse(message);
    if (!parsed.success) return false;
    // The background hands the job over again after a route change or a worker restart: one run per renewal.
    if (parsed.data.type === 'console:upload' && parsed.data.job.renewalId === runningUpload) {
      sendResponse({ ok: true });
      return false;
    }
    // This page already did another renewal's upload: start afresh, so nothing that upload left on screen (its
    // window, its error box) is read as this one's. The new page's load hands the job over again.
    if (parsed.data.type === 'console:upload' && uploadedHere && uploadedHere !== parsed.data.job.renewalId) {
      current?.abort();
      sendResponse({ ok: true });
      location.reload();
      return false;
    }
    current?.abort();
    const controller = new AbortController();
    current = controller;
    sendResponse({ ok: true });
    const job = parsed.data;
    if (job.type === 'console:upload') {
      confirmationShownFor = undefined;
      const renewalId = job.job.renewalId;
      runningUpload = renewalId;
      uploadedHere = renewalId;
      void runUploadJob(document, job.job, ioFor(renewalId), { signal: controller.signal }).finally(() => {
        if (runningUpload === renewalId) runningUpload = undefined;
      });
    } else if (confirmationShownFor === job.renewalId) {
      void pressConfirmationSave(document, job.renewalId, ioFor(job.renewalId), { signal: controller.signal });
    } else {
      ioFor(job.renewalId).report({ kind: 'step-missing', step: 'saving', what: "Addigy's confirmation window" });
    }
    return false;
  });
}
