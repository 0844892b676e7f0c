import { describe, expect, it } from 'vitest';
import { BLOB_URL_MAX_LIFETIME_MS, localBlobUrls, safeTokenFileName, saveTokenFile, type BlobUrls, type DownloadsApi } from '../../../lib/capture/save-token-file';
import { eraseEndedOwnDownloads, ownDownloadsUnderway, trackOwnDownload, type OwnDownloadsApi } from '../../../lib/capture/own-downloads';

const TEXT = 'eyJhIjoiw6kifQ==';
const ORIGIN = 'chrome-extension://ourid/';

function fakeBlobs() {
  const live = new Map<string, string>();
  const blobs: BlobUrls = {
    async create(text) {
      const url = `blob:chrome-extension://ourid/${crypto.randomUUID()}`;
      live.set(url, text);
      return url;
    },
    async revoke(url) {
      live.delete(url);
    },
  };
  return { blobs, live };
}

describe('saveTokenFile', () => {
  it('saves exactly the relayed bytes under the page’s file name, from a blob: URL that does not hold them', async () => {
    const calls: Parameters<DownloadsApi['download']>[0][] = [];
    const { blobs, live } = fakeBlobs();
    const saved = await saveTokenFile({ download: async (o) => (calls.push(o), 42) }, blobs, { fileName: 'sToken_for_Main Campus.vpptoken', text: TEXT });
    expect(saved.id).toBe(42);
    expect(calls[0]).toMatchObject({ filename: 'sToken_for_Main Campus.vpptoken', conflictAction: 'uniquify', saveAs: false });
    expect(calls[0]!.url).toBe(saved.url);
    expect(saved.url).toMatch(/^blob:chrome-extension:\/\/ourid\/[0-9a-f-]{36}$/);
    expect(saved.url).not.toContain(TEXT);
  });

  it('revokes the blob: URL as soon as the download has started, not when it ends', async () => {
    const { blobs, live } = fakeBlobs();
    const events: string[] = [];
    const revoke = blobs.revoke;
    blobs.revoke = async (url) => (events.push('revoked'), revoke(url));
    let liveWhenAsked: string | undefined;
    const downloads: DownloadsApi = {
      async download(options) {
        // The browser reads the bytes while the URL is live…
        liveWhenAsked = live.get(options.url);
        events.push('started');
        return 7;
      },
    };
    const saved = await saveTokenFile(downloads, blobs, { fileName: 'sToken_for_Main Campus.vpptoken', text: TEXT });
    expect(liveWhenAsked).toBe(TEXT);
    // …and once it has an id, no one else can start a download of it.
    expect(events).toEqual(['started', 'revoked']);
    expect(live.has(saved.url)).toBe(false);
    expect(saved.id).toBe(7);
  });

  it('still answers with the download when revoking fails (the offscreen document is gone)', async () => {
    const { blobs } = fakeBlobs();
    blobs.revoke = async () => Promise.reject(new Error('no offscreen document'));
    expect((await saveTokenFile({ download: async () => 9 }, blobs, { text: TEXT })).id).toBe(9);
    await expect(saveTokenFile({ download: async () => Promise.reject(new Error('refused')) }, blobs, { text: TEXT })).rejects.toThrow('refused');
  });

  it('a blob URL no one revoked goes away after a minute', async () => {
    const revoked: string[] = [];
    const timers: Array<{ run: () => void; ms: number }> = [];
    const blobs = localBlobUrls(
      { createObjectURL: () => 'blob:chrome-extension://ourid/1', revokeObjectURL: (url: string) => void revoked.push(url) },
      (run, ms) => timers.push({ run, ms }),
    );
    await blobs.create(TEXT);
    expect(timers.map((t) => t.ms)).toEqual([BLOB_URL_MAX_LIFETIME_MS]);
    expect(BLOB_URL_MAX_LIFETIME_MS).toBeLessThanOrEqual(60_000);
    expect(revoked).toEqual([]);
    timers[0]!.run();
    expect(revoked).toEqual(['blob:chrome-extension://ourid/1']);
  });

  it('revokes the blob: URL when the browser refuses the download', async () => {
    const { blobs, live } = fakeBlobs();
    await expect(saveTokenFile({ download: async () => Promise.reject(new Error('no')) }, blobs, { text: TEXT })).rejects.toThrow();
    expect(live.size).toBe(0);
  });

  it('never lets a page choose a folder or another extension', () => {
    expect(safeTokenFileName('../../.bashrc')).toBe('sToken.vpptoken');
    expect(safeTokenFileName('C:\\evil\\x.exe')).toBe('x.exe.vpptoken');
    expect(safeTokenFileName(undefined)).toBe('sToken.vpptoken');
    expect(safeTokenFileName('sToken_for_A:B.vpptoken')).toBe('sToken_for_A_B.vpptoken');
  });
});

describe('own downloads', () => {
  function fakeDownloads(items: Array<{ id: number; url: string; state: string; byExtensionId?: string }>) {
    const erased: number[] = [];
    const api: OwnDownloadsApi = {
      async search(query) {
        return items.filter((i) => !erased.includes(i.id) && (query.id === undefined || i.id === query.id));
      },
      async erase({ id }) {
        erased.push(id);
        return [id];
      },
    };
    return { api, erased };
  }

  it('erases every ended own save (complete, interrupted, cancelled) and returns its URL to revoke; keeps one under way', async () => {
    const blob = (n: number) => `blob:chrome-extension://ourid/${n}`;
    const { api, erased } = fakeDownloads([
      { id: 1, url: blob(1), state: 'complete', byExtensionId: 'ourid' },
      { id: 2, url: blob(2), state: 'interrupted', byExtensionId: 'ourid' },
      { id: 3, url: blob(3), state: 'in_progress', byExtensionId: 'ourid' },
      // Left by an older version: a data: URL holding a token.
      { id: 4, url: 'data:application/octet-stream;base64,eyJ9', state: 'interrupted', byExtensionId: 'ourid' },
      // Someone else's download is none of our business.
      { id: 5, url: 'https://example.com/a.vpptoken', state: 'complete' },
      { id: 6, url: 'data:text/plain,x', state: 'complete', byExtensionId: 'other' },
    ]);
    for (const id of [1, 2, 3]) await trackOwnDownload(id, blob(id));
    await trackOwnDownload(9, blob(9)); // erased elsewhere already
    const revoke = await eraseEndedOwnDownloads(api, 'ourid', ORIGIN);
    expect(erased.sort()).toEqual([1, 2, 4]);
    expect(revoke.sort()).toEqual([blob(1), blob(2), blob(9)].sort());
    expect(await ownDownloadsUnderway()).toBe(1);
  });
});
