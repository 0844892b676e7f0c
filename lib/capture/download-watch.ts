import { isVppTokenFileName } from '../token/looks-like-vpp-token';
import { downloadKey } from '../token/token-file-name';

// Kept here too for its callers: the key lives beside the other token file names, so storage can use it.
export { downloadKey };

/** How long a capture and the browser's own download of the same file count as one event. */
const PAIRING_WINDOW_MS = 2 * 60_000;

/**
 * Notices `.vpptoken` downloads the extension could not read (a route the page hooks did not see),
 * so the popup can offer to take the file instead. Knows file names only, never contents.
 */
export class DownloadWatch {
  private captured = new Map<string, number>();
  private ownDownloads = new Set<number>();

  constructor(private readonly now: () => number = Date.now) {}

  /** A capture arrived with this file name. */
  noteCapture(fileName: string | undefined): void {
    if (fileName) this.captured.set(downloadKey(fileName), this.now());
  }

  /** A download the extension itself started (saving a taken-over file for the user). */
  noteOwnDownload(id: number): void {
    this.ownDownloads.add(id);
  }

  /** A download finished: was it a token we never saw? */
  isUncapturedToken(download: { id: number; filename: string }): boolean {
    if (this.ownDownloads.delete(download.id)) return false;
    if (!isVppTokenFileName(download.filename)) return false;
    const key = downloadKey(download.filename);
    const at = this.captured.get(key);
    if (at !== undefined && this.now() - at <= PAIRING_WINDOW_MS) return false;
    return true;
  }
}
