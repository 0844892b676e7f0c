import { AppleClient } from '../apple/apple-client';
import type { AddigyConsoleApi } from '../addigy-console/console-port';
import { AddigyConsoleWriter } from '../mdm/addigy/console-writer';
import { connectionHandles } from '../mdm/connection-handles';
import { RenewalMachine } from '../renewal/renewal-machine';
import type { RenewalRecord } from '../renewal/renewal-record';
import { loadConsolePath, saveConsolePath } from '../storage/console-paths';
import { idbRenewalStore } from '../storage/renewal-store';
import { loadSettings } from '../storage/settings';
import { sessionTokenVault } from '../storage/token-vault';
import { boundedTokenVault } from '../storage/vault-bounds';

/**
 * The renewal pipeline as the background worker runs it: real storage, every connection of Options, and Addigy's
 * console writer driving the tabs Token Relay opens. The one place that knows both the pipeline and the writers.
 */
export function createRenewalService(consoleTabs: AddigyConsoleApi, onChange: (record: RenewalRecord) => void) {
  const consoleWriter = new AddigyConsoleWriter(consoleTabs, { paths: { load: loadConsolePath, save: saveConsolePath } });
  const machine = new RenewalMachine({
    store: idbRenewalStore,
    vault: boundedTokenVault(sessionTokenVault, idbRenewalStore),
    loadSettings,
    createApple: (onRetry) => new AppleClient({ onRetry: ({ attempt, delayMs, reason }) => onRetry({ attempt, delayMs, reason }) }),
    connections: () => connectionHandles({ addigyWriter: consoleWriter }),
    onChange,
  });
  consoleWriter.attach(machine.writeHost);
  /** `consoleEvents`: what the console tabs report, for the background's tab and message listeners. */
  return { machine, consoleEvents: consoleWriter };
}
