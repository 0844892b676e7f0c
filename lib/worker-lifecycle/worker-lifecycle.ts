import { isAddigyBaseUrlAllowed } from '../mdm/addigy/addigy-host';
import { migrateLocalSettings } from '../storage/settings';
import { openTokenRelayDb } from '../storage/database';
import { migratePrimaryConnection } from '../storage/primary-connection';
import { sessionTokenVault } from '../storage/token-vault';
import { idbRenewalStore } from '../storage/renewal-store';
import { sweepOrphanTokens } from '../storage/vault-bounds';
import { RESUME_ALARM } from '../messaging/popup-state';

/** The periodic look at every token. */
export const WATCH_ALARM = 'watch-tokens';
const WATCH_EVERY_MINUTES = 6 * 60;
/** How often a busy worker pings an extension API, which keeps an MV3 worker alive. */
export const KEEP_AWAKE_MS = 20_000;

export interface AlarmsApi {
  get(name: string): Promise<unknown>;
  create(name: string, info: { periodInMinutes: number; delayInMinutes: number }): Promise<unknown>;
}

/** The watch alarm, created only when missing, so a worker that starts again keeps its schedule. */
export async function ensureWatchAlarm(alarms: AlarmsApi): Promise<void> {
  if (!(await alarms.get(WATCH_ALARM))) await alarms.create(WATCH_ALARM, { periodInMinutes: WATCH_EVERY_MINUTES, delayInMinutes: 1 });
}

/** `alarms.onAlarm`: resume renewals under way, or look at the tokens. */
export function routeAlarm(name: string, on: { resumeRenewals(): Promise<void>; refreshTokens(): Promise<void> }): void {
  if (name === RESUME_ALARM) void on.resumeRenewals();
  if (name === WATCH_ALARM) void on.refreshTokens();
}

export interface StartUpSteps {
  settleOwnDownloads(): Promise<void>;
  resumeRenewals(): Promise<void>;
  publish(): Promise<void>;
  publishButtonTarget(): Promise<void>;
  /** Defaults to the real migration and sweep; tests pass their own. */
  migrateSettings?(): Promise<void>;
  sweepOrphanTokens?(): Promise<unknown>;
}

/**
 * The one-time moves of older versions' storage, idempotent: the Addigy section's key and address become the
 * connection `addigy` (this also runs whenever the database opens, so no reader sees the old shape), then an Addigy
 * address kept in storage.local moves onto it. At start and on `runtime.onInstalled`.
 */
export async function migrateStorage(): Promise<void> {
  await migratePrimaryConnection(await openTokenRelayDb());
  await migrateLocalSettings((url) => isAddigyBaseUrlAllowed(url));
}

/**
 * What a starting worker does, in order. Before anything runs: older versions' storage is moved (migrateStorage).
 * No token outlives its record: tokens left by pruned, finished or lost renewals are wiped at start. A failed step before resuming does not stop renewals from resuming.
 */
export function startUp(steps: StartUpSteps): Promise<void> {
  const migrate = steps.migrateSettings ?? migrateStorage;
  const sweep: () => Promise<unknown> = steps.sweepOrphanTokens ?? (() => sweepOrphanTokens(sessionTokenVault, idbRenewalStore));
  return migrate()
    .catch(() => undefined)
    .then(() => sweep())
    .then(() => steps.settleOwnDownloads())
    .catch(() => undefined)
    .then(() => steps.resumeRenewals())
    .then(() => steps.publish())
    .then(() => steps.publishButtonTarget())
    .catch(() => undefined);
}
