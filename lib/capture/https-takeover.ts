import { MAX_VPP_TOKEN_BYTES } from '../token/types';
import { hasTokenShape } from '../token/looks-like-vpp-token';
import { parseContentDisposition } from './content-disposition';

// Runs in the isolated content script: plain DOM and fetch, no libraries.

/**
 * What one fetch of a taken-over download gave. Apple mints a new token per request and revokes the one
 * before, so the URL is fetched exactly once and whatever came back is used: relayed, saved, or shown.
 */
export type TakeoverOutcome =
  /** A token file (by its content: a name the page chose proves nothing): relay it; the background saves these bytes. */
  | { kind: 'token'; fileName?: string; text: string }
  /** Some other download: give the user the file, as the browser would have. */
  | { kind: 'attachment'; fileName?: string; blob: Blob }
  /** Not a download (a page, an error page): let the navigation go ahead. */
  | { kind: 'page' }
  /** The request failed: let the browser try and show its own error. */
  | { kind: 'unreachable' };

type Fetch = (url: string, init: RequestInit) => Promise<Response>;

/** Fetches a download URL once, with the user's cookies; only a body within a token's size cap is read as text. */
export async function fetchTakenOverDownload(url: string, fetchImpl: Fetch, suggestedName?: string): Promise<TakeoverOutcome> {
  let response: Response;
  let blob: Blob;
  try {
    response = await fetchImpl(url, { credentials: 'include', cache: 'no-store' });
    // Whole: a non-token attachment still goes to the user, and nothing may ask for this URL again.
    blob = await response.blob();
  } catch {
    return { kind: 'unreachable' };
  }
  const disposition = parseContentDisposition(response.headers.get('content-disposition'));
  const fileName = disposition.fileName ?? (suggestedName || undefined);
  if (response.ok && blob.size <= MAX_VPP_TOKEN_BYTES) {
    const text = await utf8Text(blob);
    if (text !== undefined && hasTokenShape(text)) return { kind: 'token', fileName, text };
  }
  if (disposition.attachment || suggestedName !== undefined) return { kind: 'attachment', fileName, blob };
  return { kind: 'page' };
}

async function utf8Text(blob: Blob): Promise<string | undefined> {
  try {
    return new TextDecoder('utf-8', { fatal: true }).decode(await blob.arrayBuffer());
  } catch {
    return undefined;
  }
}

/** The parts of the Navigation API's `navigate` event we read (TypeScript's DOM library lacks it). */
export interface NavigateEventLike extends Event {
  readonly navigationType: 'push' | 'replace' | 'reload' | 'traverse';
  readonly destination: { readonly url: string; readonly sameDocument: boolean };
  readonly hashChange: boolean;
  readonly formData: FormData | null;
  /** The `download` attribute's value for `<a download>` navigations, else null. */
  readonly downloadRequest?: string | null;
}

/** The window the take-over runs in; `navigation` is absent where the browser has no Navigation API. */
export interface TakeoverWindow {
  readonly location: Pick<Location, 'href' | 'origin' | 'assign'>;
  readonly document: Document;
  readonly navigation?: EventTarget;
  readonly URL: Pick<typeof URL, 'createObjectURL' | 'revokeObjectURL'>;
  setTimeout(handler: () => void, ms: number): unknown;
}

export interface TakeoverHandlers {
  /** Is a navigation to this URL the token download the user just asked for? Consumes that request. */
  claim(url: URL): boolean;
  /** The taken-over response is a token file. */
  onToken(file: { fileName?: string; text: string }): void;
}

/**
 * Takes over a token download that would leave the page as a navigation to an https URL on this origin:
 * cancels the navigation before the request is made, fetches the URL once itself, and hands a token on.
 * Anything else the user still gets: the file saved under its name, or the page navigated to.
 * Chromium: the Navigation API's cancelable `navigate` event covers links and script navigations alike.
 * Elsewhere: only `<a href>` clicks, caught in the capture phase.
 */
export function installHttpsTakeover(
  win: TakeoverWindow,
  handlers: TakeoverHandlers,
  signal: AbortSignal,
  fetchImpl: Fetch = (url, init) => fetch(url, init),
): void {
  // URLs being fetched now: a second click while one is under way must not mint a second token.
  const inFlight = new Set<string>();
  // A non-download we fetched and now let the browser open; its navigate event must pass.
  const letThrough = new Set<string>();

  const takeOver = async (url: string, suggestedName: string | undefined): Promise<void> => {
    inFlight.add(url);
    const outcome = await fetchTakenOverDownload(url, fetchImpl, suggestedName);
    inFlight.delete(url);
    if (outcome.kind === 'token') {
      handlers.onToken({ fileName: outcome.fileName, text: outcome.text });
    } else if (outcome.kind === 'attachment') {
      saveBlob(win, outcome.blob, outcome.fileName);
    } else {
      if (win.navigation) letThrough.add(url);
      win.location.assign(url);
    }
  };

  const candidateUrl = (href: string): URL | undefined => {
    let url: URL;
    try {
      url = new URL(href, win.location.href);
    } catch {
      return undefined;
    }
    return url.protocol === 'https:' && url.origin === win.location.origin ? url : undefined;
  };

  // Both routes end here: a second click while the URL is being fetched is swallowed; the download just asked for
  // is cancelled and fetched once by us; anything else goes ahead.
  const intercept = (event: Event, url: URL, suggestedName: string | undefined): void => {
    if (inFlight.has(url.href)) {
      event.preventDefault();
    } else if (handlers.claim(url)) {
      event.preventDefault();
      void takeOver(url.href, suggestedName);
    }
  };

  const onNavigate = (event: Event): void => {
    const navigate = event as NavigateEventLike;
    if (!navigate.cancelable || navigate.hashChange || navigate.destination.sameDocument || navigate.formData) return;
    if (navigate.navigationType !== 'push' && navigate.navigationType !== 'replace') return;
    const url = candidateUrl(navigate.destination.url);
    if (url && !letThrough.delete(url.href)) intercept(event, url, navigate.downloadRequest ?? undefined);
  };

  const onLinkClick = (event: MouseEvent): void => {
    if (event.defaultPrevented || event.button !== 0 || event.ctrlKey || event.metaKey || event.shiftKey || event.altKey) return;
    const anchor = event.composedPath().find((node): node is HTMLAnchorElement => (node as Element).localName === 'a');
    if (!anchor || !anchor.hasAttribute('href') || (anchor.target && anchor.target !== '_self')) return;
    const url = candidateUrl(anchor.href);
    // The `download` attribute's value, if it has one, names the file.
    if (url && !isSameDocument(url, win.location.href)) intercept(event, url, anchor.getAttribute('download') ?? undefined);
  };

  if (win.navigation) win.navigation.addEventListener('navigate', onNavigate, { signal });
  else win.document.addEventListener('click', onLinkClick, { capture: true, signal });
}

/** Only the fragment differs: an in-page jump or a hash route, never a download. */
function isSameDocument(url: URL, current: string): boolean {
  const here = new URL(current);
  return url.hash !== '' && url.href.split('#')[0] === here.href.split('#')[0];
}

function saveBlob(win: TakeoverWindow, blob: Blob, fileName: string | undefined): void {
  const url = win.URL.createObjectURL(blob);
  const link = win.document.createElement('a');
  link.href = url;
  link.download = fileName ?? '';
  link.click();
  // Long enough for the browser to start reading it.
  win.setTimeout(() => win.URL.revokeObjectURL(url), 60_000);
}
