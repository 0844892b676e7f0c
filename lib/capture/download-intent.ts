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
  private clickedAt = -Infinity;

  constructor(private readonly now: () => number = Date.now) {}

  /** The user clicked "Send to Addigy" (a trusted click); it clicks the entry's Download control next. */
  arm(): void {
    this.armedUntil = this.now() + ARMED_MS;
    this.clickedUntil = this.armedUntil;
    this.clickedAt = this.now();
  }

  /** The user clicked a token entry's Download control (a trusted click: page scripts cannot make one). */
  noteControlClick(): void {
    this.clickedUntil = Math.max(this.clickedUntil, this.now() + CLICKED_MS);
    this.clickedAt = this.now();
  }

  /** Whether a capture now follows the user's own click within 10 s. Yes once per click. */
  takeTrustedClick(): boolean {
    const recent = this.now() - this.clickedAt <= CLICKED_MS;
    this.clickedAt = -Infinity;
    return recent;
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
