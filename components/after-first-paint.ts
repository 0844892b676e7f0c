let firstPaint: Promise<void> | undefined;

/** Longest wait for the first paint's report: a page painted while hidden never gets one. */
const AT_MOST_MS = 1000;

/**
 * Resolves once the page's first frame is on screen: when its first-contentful-paint is reported, which happens
 * after the frame is presented, not when the main thread has painted it. Work started in between (fetching the
 * popup's other chunks, building the rest of the rows) competes with that frame's raster and display: on a 2-core
 * machine it held the popup's first paint back by some 60 ms (docs/performance.md).
 */
export function afterFirstPaint(): Promise<void> {
  return (firstPaint ??= new Promise((resolve) => {
    // No paint timing (a test's DOM): after the next frame, as before.
    if (typeof PerformanceObserver === 'undefined' || !PerformanceObserver.supportedEntryTypes?.includes('paint')) {
      requestAnimationFrame(() => setTimeout(resolve));
      return;
    }
    const timer = setTimeout(done, AT_MOST_MS);
    const observer = new PerformanceObserver((list) => {
      if (list.getEntriesByName('first-contentful-paint').length > 0) done();
    });
    function done() {
      clearTimeout(timer);
      observer.disconnect();
      resolve();
    }
    // buffered: a paint reported before this call counts too.
    observer.observe({ type: 'paint', buffered: true });
  }));
}
