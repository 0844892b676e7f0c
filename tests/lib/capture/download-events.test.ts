import { describe, expect, it } from 'vitest';
import { createDownloadEvents, type BrowserDownloadsApi } from '../../../lib/capture/download-events';
import { DownloadWatch } from '../../../lib/capture/download-watch';
import { isOwnDownload, ownDownloadsUnderway, settleOwnDownloads, trackOwnDownload } from '../../../lib/capture/own-downloads';

const OWN_ID = 'token-relay-id';
const OWN_ORIGIN = 'chrome-extension://token-relay-id/';
const flush = () => new Promise((resolve) => setTimeout(resolve, 0));

type Item = { id: number; url: string; filename: string; state?: string; byExtensionId?: string };

/** browser.downloads as a list of items; downloads start 'in_progress'. */
function fakeDownloads(items: Item[] = []) {
  let nextId = 100;
  const erased: number[] = [];
  const api: BrowserDownloadsApi = {
    async download({ url, filename }) {
      const id = nextId++;
      items.push({ id, url, filename: `/home/me/Downloads/${filename}`, state: 'in_progress', byExtensionId: OWN_ID });
      return id;
    },
    async search({ id }) {
      return items.filter((i) => id === undefined || i.id === id).map((i) => ({ ...i }));
    },
    async erase({ id }) {
      erased.push(id);
      items.splice(items.findIndex((i) => i.id === id), 1);
      return [id];
    },
  };
  return { api, items, erased };
}

function setUp(items: Item[] = []) {
  const downloads = fakeDownloads(items);
  const revoked: string[] = [];
  let blobs = 0;
  const noticed: string[] = [];
  const forgotten: Array<string | undefined> = [];
  let published = 0;
  let closed = 0;
  const events = createDownloadEvents({
    downloads: downloads.api,
    ownId: OWN_ID,
    ownOrigin: OWN_ORIGIN,
    blobUrls: { create: async () => `blob:chrome-extension://token-relay-id/uuid-${++blobs}`, revoke: async (url) => void revoked.push(url) },
    closeOffscreen: async () => void closed++,
    watch: new DownloadWatch(),
    noticed: { add: async (path) => void noticed.push(path), forget: async (name) => void forgotten.push(name) },
    publish: async () => void published++,
  });
  return { events, downloads, revoked, noticed, forgotten, published: () => published, closed: () => closed };
}

describe('settleOwnDownloads', () => {
  it('erases ended own downloads, revokes their URLs, and closes the offscreen document once none is under way', async () => {
    const { downloads } = setUp([
      { id: 1, url: 'blob:chrome-extension://token-relay-id/a', filename: 'a.vpptoken', state: 'complete', byExtensionId: OWN_ID },
      { id: 2, url: 'blob:chrome-extension://token-relay-id/b', filename: 'b.vpptoken', state: 'in_progress', byExtensionId: OWN_ID },
    ]);
    await trackOwnDownload(1, 'blob:chrome-extension://token-relay-id/a');
    await trackOwnDownload(2, 'blob:chrome-extension://token-relay-id/b');
    const revoked: string[] = [];
    let closed = 0;
    const settle = () =>
      settleOwnDownloads({
        downloads: downloads.api,
        ownId: OWN_ID,
        ownOrigin: OWN_ORIGIN,
        revoke: async (url) => void revoked.push(url),
        closeOffscreen: async () => void closed++,
      });
    await settle();
    expect(downloads.erased).toEqual([1]);
    expect(revoked).toEqual(['blob:chrome-extension://token-relay-id/a']);
    expect(closed).toBe(0);
    expect(await isOwnDownload(2)).toBe(true);

    downloads.items[0]!.state = 'interrupted';
    await settle();
    expect(downloads.erased).toEqual([1, 2]);
    expect(revoked).toEqual(['blob:chrome-extension://token-relay-id/a', 'blob:chrome-extension://token-relay-id/b']);
    expect(closed).toBe(1);
    expect(await ownDownloadsUnderway()).toBe(0);
  });
});

describe('createDownloadEvents', () => {
  it('saves a taken-over file for the user, tracks it, and erases it when it completes', async () => {
    const t = setUp();
    t.events.fileArrived({ via: 'https', fileName: 'sToken_for_Main.vpptoken', text: 'secret' });
    await flush();
    expect(t.forgotten).toEqual(['sToken_for_Main.vpptoken']);
    expect(t.downloads.items).toHaveLength(1);
    const [saved] = t.downloads.items;
    expect(await isOwnDownload(saved!.id)).toBe(true);
    // saveTokenFile revokes its URL once the download started; nothing else is revoked while it runs.
    expect(t.revoked).toEqual([saved!.url]);

    saved!.state = 'complete';
    await t.events.changed({ id: saved!.id, state: { current: 'complete' } });
    expect(t.downloads.erased).toEqual([saved!.id]);
    expect(t.closed()).toBe(1);
    // Our own save is not a token that got past us.
    expect(t.noticed).toEqual([]);
    expect(t.published()).toBe(0);
  });

  it('saves nothing for a file captured on the page or dropped into the popup (via: file)', async () => {
    const t = setUp();
    t.events.fileArrived({ via: 'file', fileName: 'sToken.vpptoken', text: 'secret' });
    await flush();
    expect(t.downloads.items).toEqual([]);
    expect(t.forgotten).toEqual(['sToken.vpptoken']);
  });

  it('notices a finished token download Token Relay never received, and publishes', async () => {
    const t = setUp([{ id: 7, url: 'https://business.apple.com/x', filename: '/home/me/Downloads/sToken_for_North.vpptoken', state: 'complete' }]);
    await t.events.changed({ id: 7, state: { current: 'complete' } });
    expect(t.noticed).toEqual(['/home/me/Downloads/sToken_for_North.vpptoken']);
    expect(t.published()).toBe(1);
  });

  it('lets a token download go that was captured, another extension’s, not a token, unfinished or interrupted', async () => {
    const t = setUp([
      { id: 1, url: 'https://x', filename: '/d/sToken_for_Main.vpptoken', state: 'complete' },
      { id: 2, url: 'https://x', filename: '/d/report.pdf', state: 'complete' },
      { id: 3, url: 'https://x', filename: '/d/other.vpptoken', state: 'complete', byExtensionId: OWN_ID },
      { id: 4, url: 'https://x', filename: '/d/late.vpptoken', state: 'interrupted' },
    ]);
    t.events.fileArrived({ via: 'file', fileName: 'sToken_for_Main.vpptoken', text: 'secret' });
    for (const id of [1, 2, 3]) await t.events.changed({ id, state: { current: 'complete' } });
    await t.events.changed({ id: 4, state: { current: 'interrupted' } });
    await t.events.changed({ id: 4, state: { current: 'in_progress' } });
    await t.events.changed({ id: 4 });
    expect(t.noticed).toEqual([]);
    expect(t.published()).toBe(0);
  });
});
