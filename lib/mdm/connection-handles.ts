import { browser } from 'wxt/browser';
import { addigyClientFor } from './addigy/addigy-host';
import { DEFAULT_ADDIGY_BASE_URL, type AddigyClient } from './addigy/addigy-client';
import { AddigyAdapter } from './addigy/addigy-adapter';
import { withApiWriter } from './api-writer';
import type { RenewalWriter } from './renewal-writer';
import { err } from '../result';
import { openTokenRelayDb } from '../storage/database';
import { connectionSchema, saveConnectionSession, type Connection, type ConnectionSecrets } from '../storage/connections';
import { FleetAdapter } from './fleet';
import { IntuneAdapter } from './intune';
import { JamfProAdapter } from './jamf-pro';
import { MDM_LABELS, type MdmAdapter, type MdmProblem, type OnRetry, type RenewalConnection } from './mdm-adapter';
import { hostOf } from './mdm-http';
import { originsOf } from './connection-origins';
import { t } from '../i18n/messages';

/** A connection of Options' list (lib/storage/connections), ready to be asked: its adapter, with its writer. */
export interface ConnectionHandle extends RenewalConnection {
  connection: Pick<Connection, 'id' | 'kind' | 'name'>;
  /** Addigy: its full read-only client (the token watch also reads its system events). */
  addigy?(onRetry: OnRetry): AddigyClient;
}

export interface ConnectionHandleOptions {
  /** Whether the browser lets Token Relay reach these origins. */
  allowed?(origins: string[]): Promise<boolean>;
  /** The writer Addigy's renewals go through (its web console); without it Addigy's adapter only reads. */
  addigyWriter?: RenewalWriter;
}

/**
 * The connections of Options' list, each ready to be asked, as the background runs them. A connection whose
 * host the browser does not let Token Relay reach gets an adapter that sends nothing and says so: with no
 * host permission a fetch would still go out (and only its answer be withheld), secret and all.
 */
export async function connectionHandles({ allowed = browserAllows, addigyWriter }: ConnectionHandleOptions = {}): Promise<ConnectionHandle[]> {
  const stored = await (await openTokenRelayDb()).getAll('connections');
  stored.sort((a, b) => a.createdAt.localeCompare(b.createdAt));
  const handles: ConnectionHandle[] = [];
  for (const entry of stored) {
    // Checked again on the way out of storage: a connection that does not fit is never used.
    const connection = connectionSchema.safeParse(entry.connection);
    if (!connection.success) continue;
    const origins = originsOf(connection.data);
    const reachable = !origins.length || (await allowed(origins));
    handles.push(handleOf(connection.data, entry.secrets ?? {}, reachable, addigyWriter));
  }
  return handles;
}

function handleOf(connection: Connection, secrets: ConnectionSecrets, reachable: boolean, addigyWriter?: RenewalWriter): ConnectionHandle {
  if (connection.kind === 'addigy') {
    const addigy = (onRetry: OnRetry) =>
      addigyClientFor({
        baseUrl: connection.serverUrl ?? DEFAULT_ADDIGY_BASE_URL,
        apiKey: secrets.apiKey ?? '',
        onRetry: ({ attempt, delayMs, problem }) => onRetry({ attempt, delayMs, reason: problem.message }),
      });
    return { connection, addigy, adapter: (onRetry) => new AddigyAdapter(addigy(onRetry), addigyWriter) };
  }
  if (!reachable) return { connection, adapter: () => withApiWriter(unreachableAdapter(connection.kind, originsOf(connection))) };
  switch (connection.kind) {
    case 'jamf-pro':
      return {
        connection,
        adapter: (onRetry) =>
          withApiWriter(new JamfProAdapter({
            serverUrl: connection.serverUrl ?? '',
            clientId: connection.clientId ?? '',
            clientSecret: secrets.clientSecret ?? '',
            onRetry,
          })),
      };
    case 'fleet':
      return {
        connection,
        adapter: (onRetry) => withApiWriter(new FleetAdapter({ serverUrl: connection.serverUrl ?? '', apiToken: secrets.apiToken ?? '', onRetry })),
      };
    case 'intune':
      return {
        connection,
        adapter: (onRetry) =>
          withApiWriter(new IntuneAdapter({
            tenantId: connection.tenantId ?? '',
            clientId: connection.clientId ?? '',
            // Read afresh on each use: Options may have signed in again since.
            session: {
              load: async () => (await openTokenRelayDb()).get('connections', connection.id).then((e) => e?.secrets.session),
              save: (tokens) => saveConnectionSession(connection.id, tokens),
            },
            onRetry,
          })),
      };
  }
}

/** The browser withholds the connection's host: nothing is sent, and the admin is told how to allow it. */
function unreachableAdapter(kind: MdmAdapter['kind'], origins: string[]): MdmAdapter {
  const hosts = origins.map((origin) => hostOf(origin.replace(/\/\*$/, '/'))).join(' and ');
  const problem: MdmProblem = {
    kind: 'bad-settings',
    message: t('problemTokenRelayIsNotAllowedTo', hosts, MDM_LABELS[kind]),
    nextStep: t('problemOpenTokenRelaysOptionsAndSave'),
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

async function browserAllows(origins: string[]): Promise<boolean> {
  try {
    return await browser.permissions.contains({ origins });
  } catch {
    return false;
  }
}
