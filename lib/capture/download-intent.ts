// Runs in the content script: no libraries.

/** How long after a click on "Send to Addigy" the capture that follows counts as sent with the button. */
export const ARMED_MS = 15_000;
/** How long after a click on a token's Download control a navigation counts as that download. */
export const CLICKED_MS = 10_000;

/**
 * What one frame's content script knows about the download the user just asked for: whether a token's
 * Download control was clicked (so a navigation that follows is that token's download, to be taken over),
 * and whether the click came from our button (so the capture opens the popup).
 */
export class DownloadIntent {
  private armedUntil = 0;
  private clickedUntil = 0;

  constructor(private readonly now: () => number = Date.now) {}

  /** "Send to Addigy" was clicked; it clicks the entry's Download control next. */
  arm(): void {
    this.armedUntil = this.now() + ARMED_MS;
    this.clickedUntil = this.armedUntil;
  }

  /** A token entry's Download control was clicked, by the user or by our button. */
  noteControlClick(): void {
    this.clickedUntil = Math.max(this.clickedUntil, this.now() + CLICKED_MS);
  }

  /** Whether a button click is still waiting for its capture. */
  get armed(): boolean {
    return this.now() < this.armedUntil;
  }

  /**
   * A same-origin page navigation is about to start: is it the download just asked for? Yes once per click,
   * so a later unrelated navigation is left alone.
   */
  claimNavigation(): boolean {
    if (this.now() >= this.clickedUntil) return false;
    this.clickedUntil = 0;
    return true;
  }

  /**
   * A token file was captured, so the download asked for has happened (no navigation to claim any more).
   * Was it asked for with the button? Answers yes once per button click.
   */
  takeArmed(): boolean {
    const armed = this.armed;
    this.armedUntil = 0;
    this.clickedUntil = 0;
    return armed;
  }
}
