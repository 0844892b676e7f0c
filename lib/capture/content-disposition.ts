// The background reads the header an https take-over sent along (lib/capture/https-takeover.ts).

/** What a `Content-Disposition` header says about a response: a download, and under which name. */
export interface Disposition {
  attachment: boolean;
  /** Base name only (folders stripped); undefined when the header names no file. */
  fileName?: string;
}

/**
 * Reads `attachment; filename="sToken_for_X.vpptoken"; filename*=UTF-8''sToken_for_X.vpptoken`.
 * The RFC 5987 `filename*` wins over `filename`, as browsers do. Never throws.
 */
export function parseContentDisposition(header: string | null | undefined): Disposition {
  if (!header) return { attachment: false };
  const attachment = /^\s*attachment\s*(;|$)/i.test(header);
  const [, charset, encoded] = /(?:^|;)\s*filename\*\s*=\s*([\w!#$&+.^`|~-]*)'[^']*'([^;\s]+)/i.exec(header) ?? [];
  const [plain, quoted, bare] = /(?:^|;)\s*filename\s*=\s*(?:"((?:[^"\\]|\\.)*)"|([^;]+))/i.exec(header) ?? [];
  const name =
    (encoded === undefined ? undefined : decodeExtended(charset!, encoded)) ??
    (plain === undefined ? undefined : quoted?.replace(/\\(.)/g, '$1') ?? bare?.trim());
  // Base name only: no folders.
  const fileName = name?.split(/[\\/]/).pop()!.trim();
  return fileName ? { attachment, fileName } : { attachment };
}

function decodeExtended(charset: string, value: string): string | undefined {
  try {
    if (/^utf-8$/i.test(charset)) return decodeURIComponent(value);
    // ISO-8859-1: each %XX is one character.
    return value.replace(/%([0-9a-f]{2})/gi, (_, hex: string) => String.fromCharCode(parseInt(hex, 16)));
  } catch {
    return undefined;
  }
}
