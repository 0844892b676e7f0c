/** The part of browser.downloads used to save a taken-over file; tests pass a double. */
export interface DownloadsApi {
  download(options: { url: string; filename?: string; conflictAction?: 'uniquify'; saveAs?: boolean }): Promise<number>;
}

/** A file name safe to hand to downloads.download: no folders, always `.vpptoken`. */
export function safeTokenFileName(name: string | undefined): string {
  const base = (name ?? '').split(/[\\/]/).pop()!.replace(/[\u0000-\u001f<>:"|?*]/g, '_').trim();
  if (!base || base.startsWith('.')) return 'sToken.vpptoken';
  return /\.vpptoken$/i.test(base) ? base : `${base}.vpptoken`;
}

/**
 * Saves the exact bytes that are being relayed, so the file the user keeps is the token Addigy gets.
 * The data: URL would keep the token in the download history, so the caller erases that entry
 * (not the file) once the download completes.
 */
export async function saveTokenFile(downloads: DownloadsApi, file: { fileName?: string; text: string }): Promise<number> {
  const bytes = new TextEncoder().encode(file.text);
  let binary = '';
  for (const byte of bytes) binary += String.fromCharCode(byte);
  return downloads.download({
    url: `data:application/octet-stream;base64,${btoa(binary)}`,
    filename: safeTokenFileName(file.fileName),
    conflictAction: 'uniquify',
    saveAs: false,
  });
}
