import { describe, expect, it } from 'vitest';
import { checkApplePages, type ApplePageScriptingApi, type ApplePageTabsApi } from '../../../lib/abm/check-apple-pages';
import { CONTENT_SCRIPT_ORIGINS } from '../../../lib/permissions/site-access';

const outline = (n: number) => ({ page: 'business.apple.com', takenAt: '2026-12-06T15:00:00Z', nodes: Array.from({ length: n }, (_, i) => `div ${i}`) });

function fakes(tabs: Array<{ id?: number; active: boolean; lastAccessed?: number }>, frames: Record<number, unknown[] | Error>) {
  const queried: unknown[] = [];
  const injected: number[] = [];
  const tabsApi: ApplePageTabsApi = { query: async (q) => (queried.push(q), tabs.map((t) => ({ ...t }))) };
  const scripting: ApplePageScriptingApi = {
    async executeScript({ target, files }) {
      expect(files).toEqual(['/apple-page-check.js']);
      expect(target.allFrames).toBe(true);
      injected.push(target.tabId);
      const answer = frames[target.tabId] ?? [];
      if (answer instanceof Error) throw answer;
      return answer.map((result) => ({ result }));
    },
  };
  return { tabsApi, scripting, queried, injected };
}

describe('checkApplePages', () => {
  it('checks only the Apple tabs, the one in front first, then the most recently used, three at most', async () => {
    const { tabsApi, scripting, queried, injected } = fakes(
      [
        { id: 1, active: false, lastAccessed: 10 },
        { id: 2, active: false, lastAccessed: 30 },
        { id: 3, active: true, lastAccessed: 5 },
        { id: 4, active: false, lastAccessed: 20 },
        { active: false, lastAccessed: 1 },
      ],
      {},
    );
    expect(await checkApplePages(tabsApi, scripting)).toBeUndefined();
    expect(queried).toEqual([{ url: CONTENT_SCRIPT_ORIGINS }]);
    expect(injected).toEqual([3, 2, 4]);
  });

  it('returns the biggest outline of the first tab whose token section cannot be read', async () => {
    const unreadable = [
      { tokenRoute: true, readable: false, outline: outline(2) },
      { tokenRoute: true, readable: false, outline: outline(5) },
    ];
    const { tabsApi, scripting, injected } = fakes(
      [
        { id: 1, active: true },
        { id: 2, active: false },
        { id: 3, active: false },
      ],
      { 1: [{ tokenRoute: true, readable: true }], 2: unreadable, 3: unreadable },
    );
    expect(await checkApplePages(tabsApi, scripting)).toEqual(outline(5));
    expect(injected).toEqual([1, 2]);
  });

  it('ignores frames that answer nonsense and tabs where the script cannot run', async () => {
    const { tabsApi, scripting } = fakes(
      [
        { id: 1, active: true },
        { id: 2, active: false },
      ],
      { 1: new Error('Cannot access contents of the page'), 2: [{ tokenRoute: 'yes' }, null, 'x'] },
    );
    expect(await checkApplePages(tabsApi, scripting)).toBeUndefined();
  });
});
