import { browser } from 'wxt/browser';
import { addigyClientFor } from '../addigy/addigy-host';
import { DEFAULT_ADDIGY_BASE_URL } from '../addigy/addigy-client';
import type { ConnectionHandle, RetryNotice } from '../renewal/renewal-machine';
import { err } from '../result';
import { openTokenRelayDb } from '../storage/database';
import type { StoredConnection } from '../storage/connections';
import { FleetAdapter } from './fleet';
import { IntuneAdapter } from './intune';
import { saveConnectionSession } from '../storage/connections';
import { JamfProAdapter } from './jamf-pro';
import { MDM_LABELS, type MdmAdapter, type MdmProblem } from './mdm-adapter';
import { hostOf } from './mdm-http';
import { originsOf } from './connection-origins';

/**
 * The connections of Options' list, each ready to be asked, as the background runs them. A connection whose
 * host the browser does not let Token Relay reach gets an adapter that sends nothing and says so: with no
 * host permission a fetch would still go out (and only its answer be withheld), secret and all.
 */
export async function connectionHandles(allowed: (origins: string[]) => Promise<boolean> = browserAllows): Promise<ConnectionHandle[]> {
  const stored = await (await openTokenRelayDb()).getAll('connections');
  stored.sort((a, b) => a.createdAt.localeCompare(b.createdAt));
  const handles: ConnectionHandle[] = [];
  for (const entry of stored) {
    const origins = originsOf(entry.connection);
    const reachable = !origins.length || (await allowed(origins));
    handles.push(handleOf(entry, reachable));
  }
  return handles;
}

function handleOf({ connection, secrets }: StoredConnection, reachable: boolean): ConnectionHandle {
  const relay = (onRetry: (notice: RetryNotice) => void) => (notice: RetryNotice) => onRetry(notice);
  if (connection.kind === 'addigy') {
    return {
      connection,
      addigy: (onRetry) =>
        addigyClientFor({
          baseUrl: DEFAULT_ADDIGY_BASE_URL,
          apiKey: secrets.apiKey ?? '',
          onRetry: ({ attempt, delayMs, problem }) => onRetry({ attempt, delayMs, reason: problem.message }),
        }),
    };
  }
  if (!reachable) return { connection, adapter: () => unreachableAdapter(connection.kind, originsOf(connection)) };
  switch (connection.kind) {
    case 'jamf-pro':
      return {
        connection,
        adapter: (onRetry) =>
          new JamfProAdapter({
            serverUrl: connection.serverUrl ?? '',
            clientId: connection.clientId ?? '',
            clientSecret: secrets.clientSecret ?? '',
            onRetry: relay(onRetry),
          }),
      };
    case 'fleet':
      return {
        connection,
        adapter: (onRetry) => new FleetAdapter({ serverUrl: connection.serverUrl ?? '', apiToken: secrets.apiToken ?? '', onRetry: relay(onRetry) }),
      };
    case 'intune':
      return {
        connection,
        adapter: (onRetry) =>
          new IntuneAdapter({
            tenantId: connection.tenantId ?? '',
            clientId: connection.clientId ?? '',
            // Read afresh on each use: Options may have signed in again since.
            session: {
              load: async () => (await openTokenRelayDb()).get('connections', connection.id).then((e) => e?.secrets.session),
              save: (tokens) => saveConnectionSession(connection.id, tokens),
            },
            onRetry: relay(onRetry),
          }),
      };
    default:
      return { connection, adapter: () => unsupportedAdapter(connection.kind) };
  }
}

/** The browser withholds the connection's host: nothing is sent, and the admin is told how to allow it. */
function unreachableAdapter(kind: MdmAdapter['kind'], origins: string[]): MdmAdapter {
  const hosts = origins.map((origin) => hostOf(origin.replace(/\/\*$/, '/'))).join(' and ');
  const problem: MdmProblem = {
    kind: 'bad-settings',
    message: `Token Relay is not allowed to reach ${hosts}, so nothing was sent to ${MDM_LABELS[kind]}.`,
    nextStep: 'Open Token Relay’s Options and save this connection again (or sign in again): the browser asks you to allow that site.',
    transient: false,
  };
  return {
    kind,
    writes: 'api',
    matchesBy: 'name',
    listTokens: async () => err(problem),
    renew: async () => err(problem),
    outcome: () => ({ state: 'failed', problem }),
  };
}

function unsupportedAdapter(kind: MdmAdapter['kind']): MdmAdapter {
  const problem: MdmProblem = {
    kind: 'bad-settings',
    message: `This version of Token Relay cannot talk to ${MDM_LABELS[kind]} yet.`,
    nextStep: 'Update Token Relay, or remove this connection in Options.',
    transient: false,
  };
  return { kind, writes: 'api', matchesBy: 'name', listTokens: async () => err(problem), outcome: () => ({ state: 'failed', problem }) };
}

async function browserAllows(origins: string[]): Promise<boolean> {
  try {
    return await browser.permissions.contains({ origins });
  } catch {
    return false;
  }
}
