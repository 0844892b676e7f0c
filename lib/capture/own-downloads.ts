import { storage } from 'wxt/utils/storage';

/**
 * The token files the extension saved itself. Each history entry is erased once its download ends,
 * however it ends (complete, interrupted, cancelled), and its blob: URL is revoked. The ids are kept in
 * storage.session, so a worker stopped mid-download erases them when it starts again.
 */
export interface OwnDownloadsApi {
  search(query: { id?: number }): Promise<Array<{ id: number; url: string; state?: string; byExtensionId?: string }>>;
  erase(query: { id: number }): Promise<number[]>;
}

const trackedItem = storage.defineItem<Array<{ id: number; url: string }>>('session:own-downloads', { fallback: [] });

export async function trackOwnDownload(id: number, url: string): Promise<void> {
  await trackedItem.setValue([...(await trackedItem.getValue()).filter((d) => d.id !== id), { id, url }]);
}

export async function isOwnDownload(id: number): Promise<boolean> {
  return (await trackedItem.getValue()).some((d) => d.id === id);
}

/** Has this download ended, one way or another? */
const ended = (state: string | undefined) => state === 'complete' || state === 'interrupted';

/**
 * Erases the history entry of every own download that has ended, and returns the blob: URLs to revoke.
 * Also erases any entry this extension created that holds a data: or blob: URL (older versions saved data: URLs).
 */
export async function eraseEndedOwnDownloads(downloads: OwnDownloadsApi, ownId: string, ownOrigin: string): Promise<string[]> {
  const tracked = await trackedItem.getValue();
  const revoke: string[] = [];
  const still: Array<{ id: number; url: string }> = [];
  for (const entry of tracked) {
    const [item] = await downloads.search({ id: entry.id }).catch(() => []);
    if (item && !ended(item.state)) {
      still.push(entry);
      continue;
    }
    if (item) await downloads.erase({ id: entry.id }).catch(() => []);
    revoke.push(entry.url);
  }
  await trackedItem.setValue(still);
  const ours = (url: string) => url.startsWith('data:') || url.startsWith(`blob:${ownOrigin.replace(/\/$/, '')}/`);
  for (const item of await downloads.search({}).catch(() => [])) {
    if (item.byExtensionId === ownId && ours(item.url) && ended(item.state) && !still.some((d) => d.id === item.id)) {
      await downloads.erase({ id: item.id }).catch(() => []);
    }
  }
  return revoke;
}

export async function ownDownloadsUnderway(): Promise<number> {
  return (await trackedItem.getValue()).length;
}

/** What settling own downloads needs besides `downloads`: who we are and where the blob: URLs live. */
export interface OwnDownloadsSettling {
  downloads: OwnDownloadsApi;
  ownId: string;
  /** `runtime.getURL('/')`. */
  ownOrigin: string;
  revoke(url: string): Promise<void>;
  /** Close the offscreen document that made the blob: URLs (Chrome). */
  closeOffscreen(): Promise<void>;
}

/** Own token saves that ended (complete, interrupted, cancelled): erase their history entries, revoke their URLs. */
export async function settleOwnDownloads(deps: OwnDownloadsSettling): Promise<void> {
  const urls = await eraseEndedOwnDownloads(deps.downloads, deps.ownId, deps.ownOrigin);
  for (const url of urls) await deps.revoke(url);
  if (!(await ownDownloadsUnderway())) await deps.closeOffscreen();
}
