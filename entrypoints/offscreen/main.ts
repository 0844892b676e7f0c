import { browser } from 'wxt/browser';
import { localBlobUrls, offscreenRequestSchema } from '../../lib/capture/save-token-file';

// Chrome's offscreen document (reason BLOBS): the worker has no URL.createObjectURL, this page does.
// It answers only the extension's own worker and pages, never a content script (those come with a tab).
const blobs = localBlobUrls();
const ownOrigin = browser.runtime.getURL('/');

browser.runtime.onMessage.addListener((message, sender, sendResponse) => {
  if (sender.id !== browser.runtime.id || sender.tab || !sender.url?.startsWith(ownOrigin)) return false;
  const request = offscreenRequestSchema.safeParse(message);
  if (!request.success) return false;
  if (request.data.type === 'offscreen:create-blob-url') {
    void blobs.create(request.data.text).then((url) => sendResponse({ url }));
    return true;
  }
  const { url } = request.data;
  void blobs.revoke(url).then(() => sendResponse({ url }));
  return true;
});
