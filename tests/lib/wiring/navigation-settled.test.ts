import { describe, expect, it } from 'vitest';
import { navigationSettled } from '../../../lib/wiring/batch-service';

type Update = [change: { url?: string; status?: string }, tab: { status?: string }];
const settledIn = (updates: Update[]) => updates.filter(([change, tab]) => navigationSettled(change, tab)).length;
const TOKENS = 'https://business.apple.com/#/main/preferences/paymentsandbilling/appsandbooks';

// The tabs.onUpdated sequences as Chromium and Firefox report them; Send all is offered once for each.
describe('navigationSettled: one offer per navigation of an Apple tab', () => {
  it('Chromium: a page load, and an in-page move reported as one (hash or history route)', () => {
    const load: Update[] = [
      [{ status: 'loading', url: TOKENS }, { status: 'loading' }],
      [{ status: 'complete' }, { status: 'complete' }],
    ];
    expect(settledIn(load)).toBe(1);
    const move: Update[] = [
      [{ status: 'loading', url: 'https://business.apple.com/#/main/locations' }, { status: 'loading' }],
      [{ status: 'complete' }, { status: 'complete' }],
    ];
    expect(settledIn(move)).toBe(1);
  });

  it('Firefox: an in-page move reported as a new URL only, on a tab that stays complete', () => {
    expect(settledIn([[{ url: TOKENS }, { status: 'complete' }]])).toBe(1);
  });

  it('not while a page still loads, nor for changes that are not navigations (title, favicon)', () => {
    expect(settledIn([[{ url: TOKENS }, { status: 'loading' }]])).toBe(0);
    expect(settledIn([[{}, { status: 'complete' }]])).toBe(0);
  });
});
