import { MAX_VPP_TOKEN_BYTES } from '../token/types';
import { hasTokenShape } from '../token/looks-like-vpp-token';

// Runs in the isolated content script: plain DOM and fetch, no libraries.

/** A token file a taken-over download answered with, and the response's `Content-Disposition` as sent. */
export interface TakenOverToken {
  text: string;
  /** Read by the background (parseContentDisposition), which names the saved file; this script runs on every page. */
  disposition?: string;
  /** The link's `download` attribute, if it had one: the name when the header gives none. */
  fileName?: string;
}

type Fetch = (url: string, init: RequestInit) => Promise<Response>;

/**
 * Fetches a download URL once, with the user's cookies. A token file (by its content: a name the page chose proves
 * nothing) comes back; anything else (a page, an error, another file, no answer) is undefined.
 */
export async function fetchTakenOverToken(url: string, fetchImpl: Fetch): Promise<Omit<TakenOverToken, 'fileName'> | undefined> {
  try {
    const response = await fetchImpl(url, { credentials: 'include', cache: 'no-store' });
    // Bytes that are not UTF-8 decode to U+FFFD, which no token holds.
    const text = await response.text();
    if (response.ok && text.length <= MAX_VPP_TOKEN_BYTES && hasTokenShape(text)) {
      return { text, disposition: response.headers.get('content-disposition') ?? undefined };
    }
  } catch {
    // No answer: the browser tries again below and shows its own error.
  }
  return undefined;
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

/** The window the take-over runs in. The Navigation API is in Chrome 102 and Firefox 147; the manifest asks for newer. */
export interface TakeoverWindow {
  readonly location: Pick<Location, 'origin'>;
  readonly document: Document;
  readonly navigation: EventTarget;
}

export interface TakeoverHandlers {
  /** Is a navigation to this URL the token download the user just asked for? Consumes that request. */
  claim(url: URL): boolean;
  /** The taken-over response is a token file. */
  onToken(file: TakenOverToken): void;
}

/**
 * Takes over a token download that would leave the page as a navigation to an https URL on this origin:
 * cancels the navigation before the request is made, fetches the URL once itself, and hands a token on.
 * Apple mints a new token per request and revokes the one before, so a token is never asked for twice; the
 * background saves the very bytes it relays. Any other answer is handed back to the browser, which asks again and
 * shows or saves it as it would have (that answer was no token, so asking again revokes nothing the user keeps).
 * The Navigation API's cancelable `navigate` event covers links and script navigations alike.
 */
export function installHttpsTakeover(
  win: TakeoverWindow,
  handlers: TakeoverHandlers,
  signal: AbortSignal,
  fetchImpl: Fetch = (url, init) => fetch(url, init),
): void {
  // URLs being fetched now: a second click while one is under way must not mint a second token.
  const inFlight = new Set<string>();
  // A navigation handed back to the browser; its navigate event must pass.
  const letThrough = new Set<string>();

  const takeOver = async (url: string, fileName: string | undefined): Promise<void> => {
    inFlight.add(url);
    const token = await fetchTakenOverToken(url, fetchImpl);
    inFlight.delete(url);
    if (token) return handlers.onToken({ ...token, fileName });
    letThrough.add(url);
    // The same navigation again: a link, with the `download` attribute it had.
    const link = win.document.createElement('a');
    link.href = url;
    if (fileName !== undefined) link.download = fileName;
    link.click();
  };

  // A second navigation to the URL being fetched is swallowed; the download just asked for is cancelled and fetched
  // once by us; anything else goes ahead.
  const onNavigate = (event: Event): void => {
    const navigate = event as NavigateEventLike;
    if (!navigate.cancelable || navigate.hashChange || navigate.destination.sameDocument || navigate.formData) return;
    if (navigate.navigationType !== 'push' && navigate.navigationType !== 'replace') return;
    // An absolute URL: the browser resolved it.
    const url = new URL(navigate.destination.url);
    if (url.protocol !== 'https:' || url.origin !== win.location.origin || letThrough.delete(url.href)) return;
    if (inFlight.has(url.href)) {
      event.preventDefault();
    } else if (handlers.claim(url)) {
      event.preventDefault();
      void takeOver(url.href, navigate.downloadRequest ?? undefined);
    }
  };

  win.navigation.addEventListener('navigate', onNavigate, { signal });
}
