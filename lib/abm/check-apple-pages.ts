import type { PageOutline } from '../addigy-console/console-messages';
import { CONTENT_SCRIPT_ORIGINS } from '../permissions/site-access';
import { applePageCheckSchema, unreadableApplePage } from './page-check';

// Kept out of page-check.ts, which the injected script bundles: the site list stays out of Apple's pages.

/** The slices of `browser.tabs` and `browser.scripting` the check needs; tests pass doubles. */
export interface ApplePageTabsApi {
  query(query: { url: string[] }): Promise<Array<{ id?: number; active: boolean; lastAccessed?: number }>>;
}
export interface ApplePageScriptingApi {
  executeScript(injection: { target: { tabId: number; allFrames: boolean }; files: Array<'/apple-page-check.js'> }): Promise<Array<{ result?: unknown }>>;
}

/** The open Apple tabs, checked frame by frame: the first whose token section cannot be read, as an outline. */
export async function checkApplePages(tabs: ApplePageTabsApi, scripting: ApplePageScriptingApi): Promise<PageOutline | undefined> {
  const open = await tabs.query({ url: CONTENT_SCRIPT_ORIGINS });
  // The tab in front first; a few at most, as this runs each time the popup opens.
  open.sort((a, b) => Number(b.active) - Number(a.active) || (b.lastAccessed ?? 0) - (a.lastAccessed ?? 0));
  for (const tab of open.slice(0, 3)) {
    if (tab.id === undefined) continue;
    const results = await scripting
      .executeScript({ target: { tabId: tab.id, allFrames: true }, files: ['/apple-page-check.js'] })
      .catch(() => []);
    const frames = results.map((r) => applePageCheckSchema.safeParse(r.result)).flatMap((r) => (r.success ? [r.data] : []));
    const outline = unreadableApplePage(frames);
    if (outline) return outline;
  }
  return undefined;
}
