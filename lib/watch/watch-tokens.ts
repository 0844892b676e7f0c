import type { AddigyProblem } from '../mdm/addigy/addigy-client';
import type { AddigyToken, SystemEvent } from '../mdm/addigy/schemas';
import { deriveTokenHealth } from '../health/token-health';
import { dueReminders, type Reminder, type ReminderLedger } from '../reminders/reminder-scheduler';
import type { RenewalRecord } from '../renewal/renewal-record';
import type { Result } from '../result';
import type { Settings } from '../storage/settings';
import type { TokenSnapshot } from './token-snapshot';
import type { MdmKind, MdmProblem, MdmToken } from '../mdm/mdm-adapter';
import { deriveMdmTokenHealth, mdmHealthKey } from '../health/mdm-token-health';
import type { TokenHealth } from '../health/health-state';
import type { Problem } from '../result';

type AddigyReader = {
  listTokens(): Promise<Result<AddigyToken[], AddigyProblem>>;
  listTokenEvents(): Promise<Result<SystemEvent[], AddigyProblem>>;
};

/** A connection besides the primary Addigy one: another Addigy organisation, or an MDM with an adapter. */
export interface WatchedConnection {
  connection: { id: string; name: string; kind: MdmKind };
  addigy?: AddigyReader;
  listTokens?(): Promise<Result<MdmToken[], MdmProblem>>;
}

export interface WatchDeps {
  /** undefined when no API key is saved yet. */
  addigy(): Promise<AddigyReader | undefined>;
  /** Every other connection (Options' list). */
  others?(): Promise<WatchedConnection[]>;
  loadSettings(): Promise<Settings>;
  listRenewals(): Promise<RenewalRecord[]>;
  loadSnapshot(): Promise<TokenSnapshot>;
  saveSnapshot(snapshot: TokenSnapshot): Promise<void>;
  loadLedger(): Promise<ReminderLedger>;
  saveLedger(ledger: ReminderLedger): Promise<void>;
  loadSnoozes(now: Date): Promise<Record<string, string>>;
  notify(reminder: Reminder): Promise<void>;
  now(): Date;
}

/**
 * The periodic look at every token: Addigy's list (call 1) and its `vpp-token` events (call 5),
 * judged into health, saved for the popup and badge, and turned into due reminders.
 */
export async function watchTokens(deps: WatchDeps): Promise<TokenSnapshot> {
  const now = deps.now();
  const [addigy, others] = await Promise.all([deps.addigy(), deps.others?.() ?? []]);
  if (!addigy && !others.length) return deps.loadSnapshot();
  const [settings, renewals] = await Promise.all([deps.loadSettings(), deps.listRenewals()]);
  const reminderWindowDays = Math.max(0, ...settings.reminderDays);
  const lastRenewalExpiry: Record<string, string> = {};
  for (const r of [...renewals].reverse()) {
    if (r.step !== 'done' || !r.match || !r.newExpiry) continue;
    const key = r.match.connectionId ? mdmHealthKey(r.match.connectionId, r.match.locationId) : r.match.locationId;
    lastRenewalExpiry[key] = r.newExpiry;
  }

  const health: TokenHealth[] = [];
  const problems: Array<{ connectionName: string; problem: Problem }> = [];
  const previous = await deps.loadSnapshot();
  /** A connection that could not be asked keeps its last known health. */
  const keepPrevious = (matches: (h: TokenHealth) => boolean) => health.push(...previous.health.filter(matches));

  if (addigy) {
    const list = await readAddigy(addigy, { lastRenewalExpiry, now, reminderWindowDays });
    if (list.ok) health.push(...list.value);
    else {
      problems.push({ connectionName: 'Addigy', problem: list.error });
      keepPrevious((h) => !h.connectionName);
    }
  }
  for (const other of others) {
    const { id, name, kind } = other.connection;
    let found: Result<TokenHealth[], Problem>;
    if (other.addigy) {
      const prefixed = Object.fromEntries(
        Object.entries(lastRenewalExpiry).flatMap(([key, value]) => (key.startsWith(`${id}:`) ? [[key.slice(id.length + 1), value]] : [])),
      );
      const list = await readAddigy(other.addigy, { lastRenewalExpiry: prefixed, now, reminderWindowDays });
      found = list.ok
        ? { ok: true, value: list.value.map((h) => ({ ...h, locationId: mdmHealthKey(id, h.locationId), connectionName: name, mdm: 'addigy' as const })) }
        : list;
    } else if (other.listTokens) {
      const list = await other.listTokens();
      found = list.ok
        ? { ok: true, value: deriveMdmTokenHealth({ connection: other.connection, tokens: list.value, now, reminderWindowDays, lastRenewalExpiry }) }
        : list;
    } else continue;
    if (found.ok) health.push(...found.value);
    else {
      problems.push({ connectionName: name, problem: found.error });
      keepPrevious((h) => h.connectionName === name && (h.mdm ?? 'addigy') === kind);
    }
  }

  // With one connection, its failure is the snapshot's problem, as before; with several, each names its connection.
  const problem: Problem | undefined =
    problems.length === 0
      ? undefined
      : problems.length === 1 && !others.length
        ? problems[0]!.problem
        : {
            kind: 'some-connections-failed',
            message: problems.map((p) => `${p.connectionName}: ${p.problem.message}`).join(' '),
            nextStep: problems.map((p) => p.problem.nextStep).filter((s, i, all) => all.indexOf(s) === i).join(' '),
          };
  const asked = (addigy ? 1 : 0) + others.filter((o) => o.addigy || o.listTokens).length;
  if (problem && problems.length >= asked) {
    // No connection answered: the last picture stays, with why it is not fresher.
    const snapshot = { ...previous, problem };
    await deps.saveSnapshot(snapshot);
    return snapshot;
  }
  const snapshot: TokenSnapshot = { health, fetchedAt: now.toISOString(), ...(problem ? { problem } : {}) };
  await deps.saveSnapshot(snapshot);

  const { reminders, ledger } = dueReminders({
    health,
    thresholds: settings.reminderDays,
    sent: await deps.loadLedger(),
    snoozedUntil: await deps.loadSnoozes(now),
    now,
  });
  for (const reminder of reminders) await deps.notify(reminder);
  await deps.saveLedger(ledger);
  return snapshot;
}

/** One Addigy organisation's tokens (call 1) and events (call 5), judged into health. */
async function readAddigy(
  addigy: AddigyReader,
  input: { lastRenewalExpiry: Record<string, string>; now: Date; reminderWindowDays: number },
): Promise<Result<TokenHealth[], AddigyProblem>> {
  const [tokens, events] = await Promise.all([addigy.listTokens(), addigy.listTokenEvents()]);
  if (!tokens.ok) return tokens;
  return {
    ok: true,
    value: deriveTokenHealth({
      tokens: tokens.value,
      // Events only sharpen the picture; without them the list still tells most of it.
      events: events.ok ? events.value : [],
      ...input,
    }),
  };
}
