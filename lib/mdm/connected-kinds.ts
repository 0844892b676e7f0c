import { listConnectedConnections } from '../storage/connections';
import type { MdmKind } from './mdm-adapter';
import { publishSendButtonTarget } from './send-button-target';

export interface ConnectedKindsSources {
  /** The connections holding their secret, in order (the Addigy section's first). */
  connections(): Promise<Array<{ kind: MdmKind }>>;
}

const storedSources: ConnectedKindsSources = { connections: listConnectedConnections };

/** The kinds of every connection that holds its secret, in the list's order. */
export async function connectedKinds(sources: ConnectedKindsSources = storedSources): Promise<MdmKind[]> {
  return (await sources.connections()).map((c) => c.kind);
}

/** What the in-page button names as where tokens go. */
export async function publishButtonTarget(
  sources: ConnectedKindsSources = storedSources,
  publish: (kinds: MdmKind[]) => Promise<void> = publishSendButtonTarget,
): Promise<void> {
  await publish(await connectedKinds(sources));
}
