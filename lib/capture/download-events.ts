import type { CaptureSource } from '../renewal/renewal-record';
import type { DownloadWatch } from './download-watch';
import { settleOwnDownloads, trackOwnDownload, type OwnDownloadsApi } from './own-downloads';
import { saveTokenFile, type BlobUrls, type DownloadsApi } from './save-token-file';

/** The slice of `browser.downloads` the background's download events use; tests pass a double. */
export interface BrowserDownloadsApi extends OwnDownloadsApi, DownloadsApi {
  search(query: { id?: number }): Promise<Array<{ id: number; url: string; filename: string; state?: string; byExtensionId?: string }>>;
}

export interface DownloadEventsDeps {
  downloads: BrowserDownloadsApi;
  ownId: string;
  /** `runtime.getURL('/')`. */
  ownOrigin: string;
  blobUrls: BlobUrls;
  closeOffscreen(): Promise<void>;
  watch: DownloadWatch;
  /** Token downloads Token Relay saw finish but never received (shown in the popup). */
  noticed: { add(path: string): Promise<void>; forget(name: string | undefined): Promise<void> };
  /** The popup state changed. */
  publish(): Promise<void>;
}

/** Arriving token files and finished downloads: which are ours to save or erase, which tokens got past us. */
export function createDownloadEvents(deps: DownloadEventsDeps) {
  const settle = () =>
    settleOwnDownloads({
      downloads: deps.downloads,
      ownId: deps.ownId,
      ownOrigin: deps.ownOrigin,
      revoke: (url) => deps.blobUrls.revoke(url),
      closeOffscreen: deps.closeOffscreen,
    });

  return {
    settle,

    /** A token file arrived (captured on the page or dropped into the popup), before its checks run. */
    fileArrived(file: { via: CaptureSource; fileName?: string; text: string }): void {
      deps.watch.noteCapture(file.fileName);
      void deps.noticed.forget(file.fileName);
      // A download taken over before it left the page: give the user the very bytes we relay.
      if (file.via !== 'https') return;
      void saveTokenFile(deps.downloads, deps.blobUrls, file).then(
        async ({ id, url }) => {
          deps.watch.noteOwnDownload(id);
          await trackOwnDownload(id, url);
          // It may have ended already, before it was tracked.
          await settle();
        },
        () => undefined,
      );
    },

    /** `downloads.onChanged`. */
    async changed(delta: { id: number; state?: { current?: string } }): Promise<void> {
      const state = delta.state?.current;
      if (state !== 'complete' && state !== 'interrupted') return;
      // Our own save of a taken-over token, however it ended: the file stays, the history entry goes.
      await settle();
      if (state !== 'complete') return;
      const [item] = await deps.downloads.search({ id: delta.id });
      if (!item || item.byExtensionId === deps.ownId) return;
      if (deps.watch.isUncapturedToken(item)) {
        await deps.noticed.add(item.filename);
        await deps.publish();
      }
    },
  };
}
