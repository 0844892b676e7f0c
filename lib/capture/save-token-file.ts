import * as z from 'zod/mini';

/** The part of browser.downloads the extension's own token saves use; tests pass a double. */
export interface DownloadsApi {
  download(options: { url: string; filename?: string; conflictAction?: 'uniquify'; saveAs?: boolean }): Promise<number>;
}

/** Turns file text into a `blob:` URL of the extension's own origin, and lets it go again. */
export interface BlobUrls {
  create(text: string): Promise<string>;
  revoke(url: string): Promise<void>;
}

/** A file name safe to hand to downloads.download: no folders, always `.vpptoken`. */
export function safeTokenFileName(name: string | undefined): string {
  const base = (name ?? '').split(/[\\/]/).pop()!.replace(/[\u0000-\u001f<>:"|?*]/g, '_').trim();
  if (!base || base.startsWith('.')) return 'sToken.vpptoken';
  return /\.vpptoken$/i.test(base) ? base : `${base}.vpptoken`;
}

/**
 * Saves the exact bytes that are being relayed, so the file the user keeps is the token Addigy gets.
 * The download's URL is a `blob:chrome-extension://…/<uuid>`: it names the bytes without holding them,
 * so neither the download history nor another extension watching downloads sees the token.
 * The URL is revoked as soon as `downloads.download` answers, started or refused: a started download already holds
 * its bytes, and while the URL lives another extension with `downloads` could start its own download of it.
 * The caller erases the history entry once the download ends (see own-downloads.ts).
 */
export async function saveTokenFile(
  downloads: DownloadsApi,
  blobs: BlobUrls,
  file: { fileName?: string; text: string },
): Promise<{ id: number; url: string }> {
  const url = await blobs.create(file.text);
  try {
    const id = await downloads.download({ url, filename: safeTokenFileName(file.fileName), conflictAction: 'uniquify', saveAs: false });
    return { id, url };
  } finally {
    await blobs.revoke(url).catch(() => undefined);
  }
}

// ─── The offscreen document's wire (Chrome: a service worker has no URL.createObjectURL) ───

export const offscreenRequestSchema = z.discriminatedUnion('type', [
  z.object({ type: z.literal('offscreen:create-blob-url'), text: z.string().check(z.minLength(1), z.maxLength(65_536)) }),
  z.object({ type: z.literal('offscreen:revoke-blob-url'), url: z.string().check(z.maxLength(200)) }),
]);
export type OffscreenRequest = z.infer<typeof offscreenRequestSchema>;
export const offscreenReplySchema = z.object({ url: z.string().check(z.startsWith('blob:')) });

/**
 * A blob URL outlives its save by this much at most, even if no one revokes it (the worker stopped between making it
 * and starting the download): `downloads.download` answers within moments, and the URL is revoked then.
 */
export const BLOB_URL_MAX_LIFETIME_MS = 60_000;

/** Runs where URL.createObjectURL exists: Firefox's background page, or the offscreen document. */
export function localBlobUrls(
  url: Pick<typeof URL, 'createObjectURL' | 'revokeObjectURL'> = URL,
  setTimer: (run: () => void, ms: number) => unknown = setTimeout,
): BlobUrls {
  return {
    async create(text) {
      const blobUrl = url.createObjectURL(new Blob([text], { type: 'application/octet-stream' }));
      setTimer(() => url.revokeObjectURL(blobUrl), BLOB_URL_MAX_LIFETIME_MS);
      return blobUrl;
    },
    async revoke(blobUrl) {
      url.revokeObjectURL(blobUrl);
    },
  };
}
