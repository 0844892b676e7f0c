import type { Connection } from '../storage/connections';
import { originPatternFor } from '../permissions/server-address';

/** Microsoft's sign-in and Graph: where an Intune connection's tokens go. */
export const MICROSOFT_ORIGINS = ['https://login.microsoftonline.com/*', 'https://graph.microsoft.com/*'] as const;

/**
 * The sites a connection's secret goes to, as host-permission patterns; asked for at run time, for that origin
 * only (`https://<host>[:port]/*` of a plain host name; none for anything else). An Addigy connection without an
 * address uses api.addigy.com, which the manifest already holds.
 */
export function originsOf(connection: Pick<Connection, 'kind' | 'serverUrl'>): string[] {
  if (connection.kind === 'intune') return [...MICROSOFT_ORIGINS];
  if (!connection.serverUrl) return [];
  const pattern = originPatternFor(connection.serverUrl);
  return pattern ? [pattern] : [];
}
