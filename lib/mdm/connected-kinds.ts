import { loadApiKey } from '../storage/api-key';
import { listConnections } from '../storage/connections';
import type { MdmKind } from './mdm-adapter';
import { publishSendButtonTarget } from './send-button-target';

export interface ConnectedKindsSources {
  apiKey(): Promise<string | undefined>;
  connections(): Promise<Array<{ kind: MdmKind }>>;
}

const storedSources: ConnectedKindsSources = { apiKey: loadApiKey, connections: listConnections };

/** The kinds of every connection, the Addigy section's key included (first). */
export async function connectedKinds(sources: ConnectedKindsSources = storedSources): Promise<MdmKind[]> {
  const [apiKey, connections] = await Promise.all([sources.apiKey(), sources.connections()]);
  return [...(apiKey ? (['addigy'] as const) : []), ...connections.map((c) => c.kind)];
}

/** What the in-page button names as where tokens go. */
export async function publishButtonTarget(
  sources: ConnectedKindsSources = storedSources,
  publish: (kinds: MdmKind[]) => Promise<void> = publishSendButtonTarget,
): Promise<void> {
  await publish(await connectedKinds(sources));
}
