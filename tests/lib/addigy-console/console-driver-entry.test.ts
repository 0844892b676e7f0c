// @vitest-environment-options {"url":"https://app.addigy.com/policies/pol-1"}
import { afterEach, describe, expect, it, vi } from 'vitest';
import { fakeBrowser } from 'wxt/testing/fake-browser';
import { main } from '../../../entrypoints/addigy-console-driver';
import { CONSOLE_DRIVER_GUARD } from '../../../lib/addigy-console/console-messages';

const world = globalThis as { [CONSOLE_DRIVER_GUARD]?: unknown };
const ownSender = () => ({ id: fakeBrowser.runtime.id });

/** Hands the page's console script(s) a Save job, as the background does; counts the copies that answer. */
async function answersToAJob(): Promise<number> {
  const sendResponse = vi.fn();
  // The fake's types name only (message, sender); the listener takes sendResponse third, as in a browser.
  const trigger = fakeBrowser.runtime.onMessage.trigger as (...args: unknown[]) => Promise<unknown>;
  await trigger({ type: 'console:press-save', renewalId: 'r1' }, ownSender(), sendResponse);
  return sendResponse.mock.calls.length;
}

// The background injects the console script before every job it sends and on every page load of its tab.
describe('the injected console script (entrypoints/addigy-console-driver.ts)', () => {
  afterEach(() => {
    delete world[CONSOLE_DRIVER_GUARD];
  });

  it('keeps one copy per page however often it is injected: one listener, one answer to a job', async () => {
    const addListener = vi.spyOn(fakeBrowser.runtime.onMessage, 'addListener');
    main();
    main();
    main();
    expect(addListener).toHaveBeenCalledTimes(1);
    expect(await answersToAJob()).toBe(1);
  });

  it('gives way to a new copy where the copy there is orphaned (its extension was updated: no runtime id)', async () => {
    main();
    const mark = world[CONSOLE_DRIVER_GUARD] as () => boolean;
    expect(mark()).toBe(true);
    (fakeBrowser.runtime as { id?: string }).id = undefined;
    expect(mark()).toBe(false);
    fakeBrowser.runtime.id = 'test-extension-id';

    // An orphaned copy receives nothing any more; its mark says so, and the new copy takes over.
    fakeBrowser.runtime.onMessage.removeAllListeners();
    world[CONSOLE_DRIVER_GUARD] = () => false;
    const addListener = vi.spyOn(fakeBrowser.runtime.onMessage, 'addListener');
    main();
    expect(addListener).toHaveBeenCalledTimes(1);
    expect(await answersToAJob()).toBe(1);
  });
});
