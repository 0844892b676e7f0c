import { MAX_VPP_TOKEN_BYTES } from '../token/types';
import { isVppTokenFileName, looksLikeVppToken } from '../token/looks-like-vpp-token';

/** A file the page handed to the browser as a download, read before the browser saved it. */
export interface CapturedFile {
  via: 'blob' | 'data';
  fileName?: string;
  text: string;
}

/** Capture never takes non-token files: a `.vpptoken` name, or content shaped like a token. */
export function isTokenCandidate(file: { fileName?: string; text: string }): boolean {
  if (file.text.length > MAX_VPP_TOKEN_BYTES) return false;
  return (file.fileName !== undefined && isVppTokenFileName(file.fileName)) || looksLikeVppToken(file.text);
}
