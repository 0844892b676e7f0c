import type { Problem, Result } from '../result';
import type { ConsoleJob } from './console-messages';

/** Where the renewal is written: Addigy's web console, in a tab Token Relay opened (AddigyConsoleTabs implements it). */
export interface AddigyConsoleApi {
  /** Opens a tab on the policy's page (or reuses `tabId`, when it is still open) and hands its console script the job. */
  openForUpload(
    input: { tabId?: number; policyId: string; job: ConsoleJob; reload?: boolean },
    /** Called with the tab before it starts loading Addigy, so its first reports are known to be this renewal's. */
    onTab?: (tabId: number) => Promise<void>,
  ): Promise<Result<{ tabId: number }, Problem>>;
  /** Asks the console script in `tabId` to press Save in Addigy's confirmation window. */
  pressSave(tabId: number, renewalId: string): Promise<Result<void, Problem>>;
  /** Brings the tab and its window to the front: the admin is needed there. */
  show?(tabId: number): Promise<void>;
}
