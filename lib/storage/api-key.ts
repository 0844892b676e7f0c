import { loadAddigySectionKey } from './connections';

/**
 * The Addigy section's key, read from the connection `addigy`. Kept only for the renewal machine until it reads
 * connections itself (issue 20); everything else reads connections.
 */
export function loadApiKey(): Promise<string | undefined> {
  return loadAddigySectionKey();
}
