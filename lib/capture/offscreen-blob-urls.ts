import { browser } from 'wxt/browser';
import { localBlobUrls, offscreenReplySchema, type BlobUrls, type OffscreenRequest } from './save-token-file';

const OFFSCREEN_PATH = '/offscreen.html';

/**
 * blob: URLs for the background. Firefox's background page makes them itself; Chrome's service worker
 * cannot (no URL.createObjectURL), so an offscreen document (permission `offscreen`, reason BLOBS) does.
 */
export function backgroundBlobUrls(): BlobUrls {
  if (typeof URL.createObjectURL === 'function') return localBlobUrls();
  let opening: Promise<void> | undefined;
  const ensureDocument = async () => {
    if (await browser.offscreen.hasDocument().catch(() => false)) return;
    opening ??= browser.offscreen
      .createDocument({ url: OFFSCREEN_PATH, reasons: ['BLOBS'], justification: 'Save a token file without putting it in a download URL.' })
      .catch(() => undefined)
      .finally(() => (opening = undefined));
    await opening;
  };
  const ask = async (request: OffscreenRequest): Promise<string> => {
    await ensureDocument();
    const reply = offscreenReplySchema.safeParse(await browser.runtime.sendMessage(request));
    if (!reply.success) throw new Error('offscreen document did not answer');
    return reply.data.url;
  };
  return {
    create: (text) => ask({ type: 'offscreen:create-blob-url', text }),
    async revoke(url) {
      if (!(await browser.offscreen.hasDocument().catch(() => false))) return;
      await ask({ type: 'offscreen:revoke-blob-url', url }).catch(() => undefined);
    },
  };
}

/** Nothing left to save: the document (and with it any blob it still held) goes away. */
export async function closeOffscreenBlobs(): Promise<void> {
  if (typeof URL.createObjectURL === 'function') return;
  if (await browser.offscreen.hasDocument().catch(() => false)) await browser.offscreen.closeDocument().catch(() => undefined);
}
