import { describe, expect, it, vi } from 'vitest';
import { AppleBatchPage, type AppleBatchPageApi } from '../../../lib/abm/apple-batch-page';
import type { BatchCommand } from '../../../lib/abm/batch-commands';

type Tab = { id?: number; active?: boolean; lastAccessed?: number; url?: string };

/** A browser with these tabs; `answer` stands in for the frame of the tab that shows the token section. */
function fakeApi(tabs: Tab[] = [], answer: (tabId: number, command: BatchCommand) => Promise<unknown> = async () => undefined) {
  const sent: Array<[number, BatchCommand]> = [];
  const api = {
    tabs: {
      query: vi.fn(async ({ url }: { url: string[] }) => tabs.filter((tab) => url.some((pattern) => tab.url?.startsWith(pattern.replace(/\*$/, ''))))),
      create: vi.fn(async ({ url }: { url: string; active?: boolean }) => ({ id: 99, url })),
      sendMessage: vi.fn(async (tabId: number, command: BatchCommand) => {
        sent.push([tabId, command]);
        return answer(tabId, command);
      }),
    },
    scripting: { executeScript: vi.fn(async () => [{ result: undefined }]) },
  } satisfies AppleBatchPageApi;
  return { api, sent, page: new AppleBatchPage(api) };
}

const TOKENS = 'https://business.apple.com/#/main/preferences/paymentsandbilling/appsandbooks';

describe('AppleBatchPage', () => {
  it('findTab: a tab on that Apple site, the active one first, then the tokens page, then the last used', async () => {
    const { page } = fakeApi([
      { id: 1, url: 'https://school.apple.com/#/main', active: true },
      { id: 2, url: 'https://business.apple.com/#/main/people', lastAccessed: 30 },
      { id: 3, url: TOKENS, lastAccessed: 10 },
      { id: 4, url: 'https://business.apple.com/#/main/devices', active: true, lastAccessed: 5 },
      { url: TOKENS, active: true },
    ]);
    expect(await page.findTab('https://business.apple.com')).toBe(4);
    expect(await page.findTab('https://school.apple.com')).toBe(1);

    const { page: noActive } = fakeApi([
      { id: 2, url: 'https://business.apple.com/#/main/people', lastAccessed: 30 },
      { id: 3, url: TOKENS, lastAccessed: 10 },
    ]);
    expect(await noActive.findTab('https://business.apple.com')).toBe(3);
    expect(await fakeApi([]).page.findTab('https://business.apple.com')).toBeUndefined();
  });

  it('findTab asks only for tabs of that site', async () => {
    const { api, page } = fakeApi();
    await page.findTab('https://school.apple.com');
    expect(api.tabs.query).toHaveBeenCalledWith({ url: ['https://school.apple.com/*'] });
  });

  it('openTokensPage opens Apple’s Apps and Books page of that site, in front', async () => {
    const { api, page } = fakeApi();
    expect(await page.openTokensPage('https://school.apple.com')).toBe(99);
    expect(api.tabs.create).toHaveBeenCalledWith({ url: 'https://school.apple.com/#/main/preferences/paymentsandbilling/appsandbooks', active: true });
    api.tabs.create.mockRejectedValueOnce(new Error('no window'));
    expect(await page.openTokensPage('https://school.apple.com')).toBeUndefined();
  });

  it('inject runs the batch script in every frame; an error is false, not a throw', async () => {
    const { api, page } = fakeApi();
    expect(await page.inject(7)).toBe(true);
    expect(api.scripting.executeScript).toHaveBeenCalledWith({ target: { tabId: 7, allFrames: true }, files: ['/abm-batch.js'] });
    api.scripting.executeScript.mockRejectedValueOnce(new Error('Cannot access contents of the page'));
    expect(await page.inject(7)).toBe(false);
  });

  it('offer sends the due names and target, and returns the count the page shows', async () => {
    const { page, sent } = fakeApi([], async () => ({ shown: 3 }));
    expect(await page.offer(5, ['A', 'B', 'C', 'D'], 'Addigy')).toBe(3);
    expect(sent).toEqual([[5, { type: 'batch:offer', dueLocations: ['A', 'B', 'C', 'D'], target: 'Addigy' }]]);
    expect(await fakeApi([], async () => ({ shown: 'lots' })).page.offer(5, ['A'], 'Addigy')).toBeUndefined();
  });

  it('listLocations: the names, or undefined when no frame answers or the answer is not a list', async () => {
    expect(await fakeApi([], async () => ({ locations: ['Main Office', 'Warehouse'] })).page.listLocations(5)).toEqual(['Main Office', 'Warehouse']);
    expect(await fakeApi([], async () => undefined).page.listLocations(5)).toBeUndefined();
    expect(await fakeApi([], async () => ({ locations: [1, 2] })).page.listLocations(5)).toBeUndefined();
    const gone = fakeApi([], () => Promise.reject(new Error('Could not establish connection. Receiving end does not exist.')));
    expect(await gone.page.listLocations(5)).toBeUndefined();
  });

  it('download: ok when the page clicked; each refusal is a problem in plain words with a next step, and never retried', async () => {
    const clicked = fakeApi([], async () => ({ clicked: true }));
    expect(await clicked.page.download(5, 'Main Office')).toEqual({ ok: true, value: undefined });
    expect(clicked.sent).toEqual([[5, { type: 'batch:download', locationName: 'Main Office' }]]);

    const notFound = fakeApi([], async () => ({ clicked: false, reason: 'not-found' }));
    const result = await notFound.page.download(5, 'Lincoln High');
    expect(result.ok).toBe(false);
    if (result.ok) return;
    expect(result.error.kind).toBe('location-not-found');
    expect(result.error.message).toBe("Token Relay could not find Lincoln High on Apple's page.");
    expect(result.error.nextStep).toMatch(/Retry/);
    expect(notFound.sent).toHaveLength(1);

    for (const [reason, kind] of [
      ['ambiguous', 'location-ambiguous'],
      ['no-control', 'no-download-control'],
    ] as const) {
      const refused = await fakeApi([], async () => ({ clicked: false, reason })).page.download(5, 'Lincoln High');
      expect(refused.ok || refused.error.kind).toBe(kind);
      expect(refused.ok || refused.error.message).toContain('Lincoln High');
      expect(refused.ok || refused.error.nextStep.length > 0).toBe(true);
    }
  });

  it('download with no answer (page gone, no script, a strange reply): a problem, and the command was sent once', async () => {
    for (const answer of [async () => undefined, () => Promise.reject(new Error('tab closed')), async () => ({ clicked: 'yes' })]) {
      const { page, sent } = fakeApi([], answer);
      const result = await page.download(5, 'Main Office');
      expect(result.ok || result.error.kind).toBe('apple-page-unreachable');
      expect(sent).toHaveLength(1);
    }
  });

  it('a sendMessage that throws at once is no answer, not a throw', async () => {
    const { api, page } = fakeApi();
    api.tabs.sendMessage.mockImplementationOnce(() => {
      throw new Error('No tab with id: 5');
    });
    expect(await page.listLocations(5)).toBeUndefined();
  });
});
