import { storage } from 'wxt/utils/storage';
import { downloadKey } from '../token/token-file-name';

/** Names (never contents) of token downloads the extension could not read; session-only. */
const noticedDownloadsItem = storage.defineItem<string[]>('session:noticed-downloads', { fallback: [] });

export const loadNoticedDownloads = () => noticedDownloadsItem.getValue();

export async function addNoticedDownload(path: string): Promise<void> {
  const name = path.split(/[\\/]/).pop() ?? path;
  const current = await noticedDownloadsItem.getValue();
  if (!current.some((n) => downloadKey(n) === downloadKey(name))) await noticedDownloadsItem.setValue([...current, name].slice(-5));
}

/** A file of that name arrived after all (captured or dropped into the popup). */
export async function forgetNoticedDownload(name: string | undefined): Promise<void> {
  if (!name) return;
  const current = await noticedDownloadsItem.getValue();
  const rest = current.filter((n) => downloadKey(n) !== downloadKey(name));
  if (rest.length !== current.length) await noticedDownloadsItem.setValue(rest);
}
