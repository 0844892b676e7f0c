import * as z from 'zod/mini';
import { MDM_KINDS, MDM_LABELS, type MdmKind } from '../mdm/mdm-kinds';
import { openTokenRelayDb } from './database';
import { checkServerAddress } from '../permissions/server-address';

/**
 * Connections to MDMs. The Addigy key and address saved in Options' Addigy section are the first connection
 * (`PRIMARY_ADDIGY`, kept where they always were); every other connection lives here, each with its own
 * credentials, in the extension's IndexedDB: no content script can open it, and each secret goes only to its
 * connection's own host.
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

/** The Addigy connection of Options' Addigy section: the API key and address stored since the first version. */
export const PRIMARY_ADDIGY: Connection = { id: 'addigy', kind: 'addigy', name: 'Addigy' };

/** The connections added in Options, oldest first (the primary Addigy one is not among them). */
export async function listConnections(): Promise<Connection[]> {
  const stored = await (await openTokenRelayDb()).getAll('connections');
  return stored
    .sort((a, b) => a.createdAt.localeCompare(b.createdAt))
    .map((entry) => connectionSchema.safeParse(entry.connection))
    .flatMap((parsed) => (parsed.success ? [parsed.data] : []));
}

export async function loadConnection(id: string): Promise<StoredConnection | undefined> {
  return (await openTokenRelayDb()).get('connections', id);
}

/** Adds or updates a connection. Secrets not given keep their stored value (a form shows them blank). */
export async function saveConnection(connection: Connection, secrets: ConnectionSecrets = {}): Promise<void> {
  const checked = connectionSchema.parse(connection);
  if (checked.id === PRIMARY_ADDIGY.id) throw new Error('saveConnection: the primary Addigy connection is saved in Options’ Addigy section');
  if (checked.serverUrl !== undefined && !checkServerAddress(checked.serverUrl).ok) {
    throw new Error('saveConnection: the server URL must be an https address with a plain host name (no wildcard, no IP address)');
  }
  const db = await openTokenRelayDb();
  const before = await db.get('connections', checked.id);
  const kept = before && before.connection.kind === checked.kind ? before.secrets : {};
  const given = Object.fromEntries(Object.entries(secrets).filter(([, value]) => value !== undefined && value !== ''));
  await db.put('connections', {
    connection: checked,
    secrets: { ...kept, ...given },
    createdAt: before?.createdAt ?? (await nextCreatedAt(db)),
  });
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
