import { AppleClient } from '../apple/apple-client';
import { addigyClientFor } from '../mdm/addigy/addigy-host';
import { loadApiKey } from '../storage/api-key';
import { idbRenewalStore } from '../storage/renewal-store';
import { loadSettings } from '../storage/settings';
import { sessionTokenVault } from '../storage/token-vault';
import { boundedTokenVault } from '../storage/vault-bounds';
import { connectionHandles } from '../mdm/connection-handles';
import { RenewalMachine, type AddigyConsoleApi } from './renewal-machine';
import type { RenewalRecord } from './renewal-record';

/** The machine as the background worker runs it: real clients, real storage. */
export function createRenewalMachine(console: AddigyConsoleApi, onChange: (record: RenewalRecord) => void): RenewalMachine {
  return new RenewalMachine({
    store: idbRenewalStore,
    vault: boundedTokenVault(sessionTokenVault, idbRenewalStore),
    loadSettings,
    loadApiKey,
    createApple: (onRetry) =>
      new AppleClient({ onRetry: ({ attempt, delayMs, reason }) => onRetry({ attempt, delayMs, reason }) }),
    createAddigy: ({ baseUrl, apiKey }, onRetry) =>
      addigyClientFor({
        baseUrl,
        apiKey,
        onRetry: ({ attempt, delayMs, problem }) => onRetry({ attempt, delayMs, reason: problem.message }),
      }),
    console,
    // Shim until the renewal rewrite (issue 20): this machine still reaches the connection `addigy` through
    // loadApiKey, so it is left out of the list here, or it would be matched twice.
    listConnections: async () => (await connectionHandles()).filter((handle) => handle.connection.id !== 'addigy'),
    onChange,
  });
}
