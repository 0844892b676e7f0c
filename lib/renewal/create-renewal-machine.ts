import { AppleClient } from '../apple/apple-client';
import { AddigyClient } from '../addigy/addigy-client';
import { loadApiKey } from '../storage/api-key';
import { idbRenewalStore } from '../storage/renewal-store';
import { loadSettings } from '../storage/settings';
import { sessionTokenVault } from '../storage/token-vault';
import { RenewalMachine, type AddigyConsoleApi } from './renewal-machine';
import type { RenewalRecord } from './renewal-record';

/** The machine as the background worker runs it: real clients, real storage. */
export function createRenewalMachine(console: AddigyConsoleApi, onChange: (record: RenewalRecord) => void): RenewalMachine {
  return new RenewalMachine({
    store: idbRenewalStore,
    vault: sessionTokenVault,
    loadSettings,
    loadApiKey,
    createApple: (onRetry) =>
      new AppleClient({ onRetry: ({ attempt, delayMs, reason }) => onRetry({ attempt, delayMs, reason }) }),
    createAddigy: ({ baseUrl, apiKey }, onRetry) =>
      new AddigyClient({
        baseUrl,
        apiKey,
        onRetry: ({ attempt, delayMs, problem }) => onRetry({ attempt, delayMs, reason: problem.message }),
      }),
    console,
    onChange,
  });
}
