// Runs in the content script: no libraries.

/** How long after a click on "Send to Addigy" the capture that follows counts as sent with the button. */
export const ARMED_MS = 15_000;
/** How long after a click on a token's Download control a navigation counts as that download. */
export const CLICKED_MS = 10_000;

/**
 * What one frame's content script knows about the download the user just asked for: whether a token's
 * Download control was clicked (so a navigation that follows is that token's download, to be taken over),
 * and whether the click came from our button (so the capture opens the popup).
 * A closure rather than a class: its state minifies to local names (the content script runs in every Apple frame).
 */
export interface DownloadIntent {
  /** The user clicked "Send to Addigy" (a trusted click); it clicks the entry's Download control next. */
  arm(): void;
  /** The user clicked a token entry's Download control (a trusted click: page scripts cannot make one). */
  noteControlClick(): void;
  /** Whether a capture now follows the user's own click within 10 s. Yes once per click. */
  takeTrustedClick(): boolean;
  /**
   * A same-origin page navigation is about to start: is it the download just asked for (by the user's click, or by
   * the batch script's, `markBatchClick`)? Yes once per click, so a later unrelated navigation is left alone.
   */
  claimNavigation(): boolean;
  /**
   * A token file was captured, so the download asked for has happened (no navigation to claim any more).
   * Was it asked for with the button? Answers yes once per button click.
   */
  takeArmed(): boolean;
}

/**
 * Where the batch script (entrypoints/abm-batch.ts) notes, right before it clicks a location's Download, until when
 * (ms) a navigation in this frame is the batch's download: a property of the isolated world's global, which an
 * extension's content scripts share in a frame and the page's scripts cannot reach. A symbol, so no element the page
 * names (window's named properties) can stand in for it.
 */
const BATCH_CLICK_KEY = Symbol.for('token-relay:batch');
// Absent (undefined) until the batch script writes it; `now() < undefined` is false.
const isolatedWorld = globalThis as unknown as Record<typeof BATCH_CLICK_KEY, number>;

/** The batch script's untrusted click on a Download control: the navigation that follows is that download. */
export function markBatchClick(now: number = Date.now()): void {
  isolatedWorld[BATCH_CLICK_KEY] = now + CLICKED_MS;
}

export function createDownloadIntent(now: () => number = Date.now): DownloadIntent {
  let armedUntil = 0;
  let clickedUntil = 0;
  let clickedAt = -Infinity;
  const armed = () => now() < armedUntil;
  return {
    arm() {
      armedUntil = clickedUntil = now() + ARMED_MS;
      clickedAt = now();
    },
    noteControlClick() {
      clickedUntil = Math.max(clickedUntil, now() + CLICKED_MS);
      clickedAt = now();
    },
    takeTrustedClick() {
      const recent = now() - clickedAt <= CLICKED_MS;
      clickedAt = -Infinity;
      return recent;
    },
    claimNavigation() {
      const claimed = now() < clickedUntil || now() < isolatedWorld[BATCH_CLICK_KEY];
      clickedUntil = isolatedWorld[BATCH_CLICK_KEY] = 0;
      return claimed;
    },
    takeArmed() {
      const wasArmed = armed();
      armedUntil = clickedUntil = 0;
      return wasArmed;
    },
  };
}
