/**
 * Which capture proposals from a tab's content script the background lets through. Everything else is
 * dropped without a word: no record, no history failure, no Apple call (a page must not fill the history).
 * Runs in the background; proposals the user makes in the popup (the file picker) never pass through here.
 */

/** How long after a trusted click on a download control or on Send to Addigy a capture still counts as asked for. */
export const TRUSTED_CLICK_MS = 20_000;

export interface CaptureGateLimits {
  /** Accepted proposals per tab within a minute. */
  perMinute: number;
  /** Least time between two accepted proposals of one tab. */
  minSpacingMs: number;
}

export const CAPTURE_LIMITS: CaptureGateLimits = { perMinute: 3, minSpacingMs: 2_000 };

const MINUTE_MS = 60_000;

export class CaptureGate {
  /** Accepted proposals by tab: when each was let through. In memory: a restarted worker starts afresh. */
  private readonly accepted = new Map<number, number[]>();

  constructor(
    private readonly limits: CaptureGateLimits = CAPTURE_LIMITS,
    private readonly now: () => number = Date.now,
  ) {}

  /**
   * May this proposal go on? Only one the content script made after a real (trusted) user click, from a
   * known tab, and within that tab's rate limit. Counts it when it may.
   */
  admit(tabId: unknown, proposal: { afterTrustedClick?: boolean }): boolean {
    if (proposal.afterTrustedClick !== true) return false;
    if (typeof tabId !== 'number' || !Number.isInteger(tabId) || tabId < 0) return false;
    const at = this.now();
    const recent = (this.accepted.get(tabId) ?? []).filter((t) => at - t < MINUTE_MS);
    const last = recent[recent.length - 1];
    if (recent.length >= this.limits.perMinute || (last !== undefined && at - last < this.limits.minSpacingMs)) {
      this.accepted.set(tabId, recent);
      return false;
    }
    recent.push(at);
    this.accepted.set(tabId, recent);
    return true;
  }
}
