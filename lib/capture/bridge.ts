import { MAX_VPP_TOKEN_BYTES } from '../token/types';
import type { CapturedFile } from './captured-file';

/**
 * MAIN world → isolated world, through window.postMessage. A page script can post the same
 * message, so the receiver treats it as a proposal only (the background re-checks everything).
 * Checked by hand rather than with zod to keep the page-load script small.
 */
const BRIDGE_TAG = 'token-relay:captured-download';

export function postCapturedFile(win: Window, file: CapturedFile): void {
  win.postMessage({ tag: BRIDGE_TAG, via: file.via, fileName: file.fileName, text: file.text }, win.location.origin);
}

export function readCapturedFile(event: MessageEvent, win: Window): CapturedFile | undefined {
  if (event.source !== win || event.origin !== win.location.origin) return undefined;
  const data: unknown = event.data;
  if (typeof data !== 'object' || data === null) return undefined;
  const { tag, via, fileName, text } = data as Record<string, unknown>;
  if (tag !== BRIDGE_TAG || (via !== 'blob' && via !== 'data')) return undefined;
  if (typeof text !== 'string' || !text || text.length > MAX_VPP_TOKEN_BYTES) return undefined;
  if (fileName !== undefined && (typeof fileName !== 'string' || fileName.length > 260)) return undefined;
  return { via, fileName, text };
}
