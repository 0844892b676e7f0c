import type { BatchItem, BatchRecord } from './batch-record';
import { sameName } from '../text/same-name';

/** How long after Token Relay pressed a location's Download its file still counts as that download. */
export const BATCH_DOWNLOAD_MS = 60_000;

/**
 * The capture gate for a running batch: which of the batch's locations a token file from this tab is. Only the one
 * location whose Download Token Relay itself pressed (after the admin's yes), in the batch's own Apple tab, within a
 * minute, and only once (a Download pressed before Cancel included): a page script cannot add a location, and a second file for the same location is refused.
 * A file name that names another location is refused too. (Apple's answer about the file is checked after this.)
 */
export function batchItemForCapture(
  batches: readonly BatchRecord[],
  tabId: unknown,
  fileName: string | undefined,
  now: Date,
): { batch: BatchRecord; item: BatchItem } | undefined {
  if (typeof tabId !== 'number') return undefined;
  for (const batch of batches) {
    // A cancelled batch still takes the file of a Download pressed before Cancel: that location's old token is gone.
    if ((batch.step !== 'running' && batch.step !== 'cancelled') || batch.appleTabId !== tabId) continue;
    const item = batch.items.find((i) => i.state === 'downloading' && !i.renewalId);
    if (!item?.downloadRequestedAt) continue;
    const age = now.getTime() - Date.parse(item.downloadRequestedAt);
    if (!(age >= 0 && age <= BATCH_DOWNLOAD_MS)) continue;
    if (!fileNameFits(fileName, item.locationName)) continue;
    return { batch, item };
  }
  return undefined;
}

/** Apple names the file `sToken_for_<location>.vpptoken` (the browser may add " (1)"); any other name is not judged. */
function fileNameFits(fileName: string | undefined, locationName: string): boolean {
  const base = (fileName ?? '').split(/[\\/]/).pop() ?? '';
  const named = /^stoken_for_(.+?)(?: \(\d+\))?\.vpptoken$/i.exec(base.trim());
  if (!named) return true;
  const letters = (text: string) => sameName(text).replace(/[^\p{L}\p{N}]+/gu, '');
  return letters(named[1]!) === letters(locationName);
}
