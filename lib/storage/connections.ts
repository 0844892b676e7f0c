import * as z from 'zod/mini';
import { MDM_KINDS, MDM_LABELS, type MdmKind } from '../mdm/mdm-kinds';
import { openTokenRelayDb } from './database';
import { checkServerAddress } from '../permissions/server-address';
import { addigyServerUrl, firstCreatedAt, PRIMARY_ADDIGY } from './primary-connection';
import { DEFAULT_ADDIGY_BASE_URL } from '../mdm/mdm-kinds';

export { PRIMARY_ADDIGY };

/**
 * Connections to MDMs, each with its own credentials, in the extension's IndexedDB: no content script can open it,
 * and each secret goes only to its connection's own host. The Addigy key and address of Options' Addigy section are
 * the connection `PRIMARY_ADDIGY`, first in the list.
 */

export const connectionSchema = z.object({
  id: z.string().check(z.minLength(1), z.maxLength(64)),
  kind: z.enum(MDM_KINDS),
  name: z.string().check(z.minLength(1), z.maxLength(80)),
  /** Jamf Pro, Fleet: the server's https origin (and path, for a self-hosted one under a path). */
  serverUrl: z.optional(z.string()),
  /** Intune: the Entra tenant and the admin's own app registration. */
  tenantId: z.optional(z.string()),
  clientId: z.optional(z.string()),
});
export type Connection = z.infer<typeof connectionSchema>;

/** What each kind needs kept secret. */
export interface ConnectionSecrets {
  /** Addigy. */
  apiKey?: string;
  /** Jamf Pro (its client ID is not secret: it is in the connection). */
  clientSecret?: string;
  /** Fleet. */
  apiToken?: string;
  /** Intune: the tokens from Sign in with Microsoft. */
  session?: { accessToken?: string; refreshToken?: string; expiresAt?: number };
}

export interface StoredConnection {
  connection: Connection;
  secrets: ConnectionSecrets;
  createdAt: string;
}

/** Every connection, oldest first (the Addigy section's one is the oldest). */
export async function listConnections(): Promise<Connection[]> {
  return (await listStored()).map((entry) => entry.connection);
}

/**
 * The connections that can be asked: each holds its secret. The Addigy section's connection may hold only an
 * address (its key cleared); Intune's secret comes from signing in, and until then its adapter says to sign in.
 */
export async function listConnectedConnections(): Promise<Connection[]> {
  return (await listStored()).filter(holdsItsSecret).map((entry) => entry.connection);
}

function holdsItsSecret({ connection, secrets }: StoredConnection): boolean {
  switch (connection.kind) {
    case 'addigy':
      return Boolean(secrets.apiKey?.trim());
    case 'jamf-pro':
      return Boolean(secrets.clientSecret);
    case 'fleet':
      return Boolean(secrets.apiToken);
    case 'intune':
      return true;
  }
}

/** Stored connections that fit the schema (checked again on the way out of storage), oldest first. */
async function listStored(): Promise<StoredConnection[]> {
  const stored = await (await openTokenRelayDb()).getAll('connections');
  return stored
    .sort((a, b) => a.createdAt.localeCompare(b.createdAt))
    .flatMap((entry) => {
      const parsed = connectionSchema.safeParse(entry.connection);
      return parsed.success ? [{ ...entry, connection: parsed.data, secrets: entry.secrets ?? {} }] : [];
    });
}

export async function loadConnection(id: string): Promise<StoredConnection | undefined> {
  return (await openTokenRelayDb()).get('connections', id);
}

/** Adds or updates a connection. Secrets not given keep their stored value (a form shows them blank). */
export async function saveConnection(connection: Connection, secrets: ConnectionSecrets = {}): Promise<void> {
  const checked = connectionSchema.parse(connection);
  if (checked.serverUrl !== undefined && !checkServerAddress(checked.serverUrl).ok) {
    throw new Error('saveConnection: the server URL must be an https address with a plain host name (no wildcard, no IP address)');
  }
  if (checked.kind === 'addigy' && checked.serverUrl !== undefined && !addigyServerUrl(checked.serverUrl)) {
    throw new Error('saveConnection: an Addigy connection’s address must be an Addigy host (ending in addigy.com)');
  }
  const db = await openTokenRelayDb();
  const before = await db.get('connections', checked.id);
  const kept = before && before.connection.kind === checked.kind ? before.secrets : {};
  const given = Object.fromEntries(Object.entries(secrets).filter(([, value]) => value !== undefined && value !== ''));
  const createdAt =
    before?.createdAt ?? (checked.id === PRIMARY_ADDIGY.id ? firstCreatedAt(await db.getAll('connections')) : await nextCreatedAt(db));
  await db.put('connections', { connection: checked, secrets: { ...kept, ...given }, createdAt });
}

/** The Addigy section's key: the connection `addigy`'s API key, if any. */
export async function loadAddigySectionKey(): Promise<string | undefined> {
  const key = (await loadConnection(PRIMARY_ADDIGY.id))?.secrets.apiKey;
  return key?.trim() ? key : undefined;
}

/** The Addigy section's API address: the connection `addigy`'s, or Addigy's default. */
export async function loadAddigySectionUrl(): Promise<string> {
  const stored = (await loadConnection(PRIMARY_ADDIGY.id))?.connection.serverUrl;
  return (stored && addigyServerUrl(stored)) ?? DEFAULT_ADDIGY_BASE_URL;
}

/** Saves the Addigy section's key on the connection `addigy`; an empty key means no key. */
export async function saveAddigySectionKey(key: string): Promise<void> {
  const trimmed = key.trim();
  const before = await loadConnection(PRIMARY_ADDIGY.id);
  if (trimmed) return saveConnection({ ...PRIMARY_ADDIGY, ...serverUrlOf(before) }, { apiKey: trimmed });
  if (before) await keepOrRemoveSection({ ...before, secrets: withoutApiKey(before.secrets) });
}

/** Saves the Addigy section's address on the connection `addigy`: kept only when it is not the default. */
export async function saveAddigySectionUrl(url: string): Promise<void> {
  const checked = addigyServerUrl(url);
  if (!checked) throw new Error('saveAddigySectionUrl: the Addigy address must be a normalised https URL on an Addigy host');
  const before = await loadConnection(PRIMARY_ADDIGY.id);
  const serverUrl = checked === DEFAULT_ADDIGY_BASE_URL ? undefined : checked;
  if (!before) {
    if (serverUrl) await saveConnection({ ...PRIMARY_ADDIGY, serverUrl });
    return;
  }
  const { serverUrl: _old, ...connection } = before.connection;
  await keepOrRemoveSection({ ...before, connection: { ...connection, ...(serverUrl ? { serverUrl } : {}) } });
}

/** The section's connection stays while it holds a key or an address that is not the default. */
async function keepOrRemoveSection(next: StoredConnection): Promise<void> {
  const db = await openTokenRelayDb();
  if (next.secrets.apiKey || next.connection.serverUrl) await db.put('connections', next);
  else await db.delete('connections', PRIMARY_ADDIGY.id);
}

function serverUrlOf(stored: StoredConnection | undefined): Pick<Connection, 'serverUrl'> {
  return stored?.connection.serverUrl ? { serverUrl: stored.connection.serverUrl } : {};
}

function withoutApiKey({ apiKey: _key, ...rest }: ConnectionSecrets): ConnectionSecrets {
  return rest;
}

/** Now, or just after the newest connection when that is not earlier: the list's order is the order of adding. */
async function nextCreatedAt(db: Awaited<ReturnType<typeof openTokenRelayDb>>): Promise<string> {
  const newest = Math.max(0, ...(await db.getAll('connections')).map((entry) => Date.parse(entry.createdAt) || 0));
  return new Date(Math.max(Date.now(), newest + 1)).toISOString();
}

/** Keeps Intune's tokens after a sign-in or a refresh. */
export async function saveConnectionSession(id: string, session: ConnectionSecrets['session']): Promise<void> {
  const db = await openTokenRelayDb();
  const stored = await db.get('connections', id);
  if (!stored) return;
  await db.put('connections', { ...stored, secrets: { ...stored.secrets, session } });
}

export async function removeConnection(id: string): Promise<void> {
  await (await openTokenRelayDb()).delete('connections', id);
}

/** A fresh id for a new connection. */
export function newConnectionId(kind: MdmKind): string {
  return `${kind}-${crypto.randomUUID().slice(0, 8)}`;
}

/** "Jamf Pro (Acme)": how a connection is named where several may be meant. */
export function connectionTitle(connection: Pick<Connection, 'kind' | 'name'>): string {
  return connection.name.trim() || MDM_LABELS[connection.kind];
}
