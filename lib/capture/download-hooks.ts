import { MAX_VPP_TOKEN_BYTES } from '../token/types';
import type { CapturedFile } from './captured-file';

const MAX_REMEMBERED_BLOBS = 20;

/**
 * Runs in the page's own JavaScript world (MAIN), because that is where the page creates
 * `blob:` URLs and clicks detached `<a download>` links. It only reads the bytes of small
 * downloads and hands them on; everything it produces is untrusted and re-checked later.
 */
export function installDownloadHooks(win: Window & typeof globalThis, deliver: (file: CapturedFile) => void): () => void {
  const urlApi = win.URL;
  const anchorProto = win.HTMLAnchorElement.prototype;
  const originalCreate = urlApi.createObjectURL;
  const originalClick = anchorProto.click;
  // The page revokes its blob URL right after the click; keeping the Blob lets us still read it.
  const blobs = new Map<string, Blob>();
  const seen = new WeakSet<HTMLAnchorElement>();

  urlApi.createObjectURL = function createObjectURL(object: Blob | MediaSource) {
    const url = originalCreate.call(urlApi, object);
    if (object instanceof win.Blob && object.size <= MAX_VPP_TOKEN_BYTES) {
      blobs.set(url, object);
      if (blobs.size > MAX_REMEMBERED_BLOBS) blobs.delete(blobs.keys().next().value!);
    }
    return url;
  };

  const inspect = (anchor: HTMLAnchorElement) => {
    if (seen.has(anchor) || !anchor.hasAttribute('download')) return;
    const href = anchor.href;
    const fileName = anchor.getAttribute('download') || undefined;
    if (href.startsWith('blob:')) {
      const blob = blobs.get(href);
      if (!blob) return;
      seen.add(anchor);
      blobs.delete(href);
      void blob.text().then((text) => deliver({ via: 'blob', fileName, text }), () => undefined);
    } else if (href.startsWith('data:')) {
      const text = decodeDataUrl(href);
      if (text === undefined) return;
      seen.add(anchor);
      deliver({ via: 'data', fileName, text });
    }
  };

  anchorProto.click = function click(this: HTMLAnchorElement) {
    inspect(this);
    return originalClick.call(this);
  };
  const onClick = (event: Event) => {
    const anchor = event.composedPath().find((node) => node instanceof win.HTMLAnchorElement);
    if (anchor) inspect(anchor as HTMLAnchorElement);
  };
  win.document.addEventListener('click', onClick, true);

  return () => {
    urlApi.createObjectURL = originalCreate;
    anchorProto.click = originalClick;
    win.document.removeEventListener('click', onClick, true);
    blobs.clear();
  };
}

/** The text of a small `data:` URL, or undefined when it is too big or malformed. */
export function decodeDataUrl(url: string): string | undefined {
  const comma = url.indexOf(',');
  if (comma < 0 || url.length > MAX_VPP_TOKEN_BYTES * 2) return undefined;
  const meta = url.slice(5, comma);
  const payload = url.slice(comma + 1);
  try {
    if (!/;base64$/i.test(meta)) return decodeURIComponent(payload);
    const binary = atob(decodeURIComponent(payload));
    return new TextDecoder().decode(Uint8Array.from(binary, (c) => c.charCodeAt(0)));
  } catch {
    return undefined;
  }
}
