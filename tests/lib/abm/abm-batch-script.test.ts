import { readFileSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest';
import { fakeBrowser } from 'wxt/testing/fake-browser';
import batchScript from '../../../entrypoints/abm-batch';
import { SEND_ALL_TAG } from '../../../lib/abm/batch-page';
import { createDownloadIntent } from '../../../lib/capture/download-intent';
import { contentRequestSchema } from '../../../lib/messaging/messages';

// The injected batch script as the background reaches it: every frame of an Apple tab runs it, and only the frame
// that shows the token section answers.

const FIXTURES = join(dirname(fileURLToPath(import.meta.url)), '../../fixtures/abm');
const loadFixture = (name: string) => {
  document.body.innerHTML = readFileSync(join(FIXTURES, name), 'utf8');
};

type Listener = (message: unknown, sender: { id?: string }, sendResponse: (reply: unknown) => void) => unknown;

/** Runs the script (as executeScript would, `times` times in this frame) and returns its message listeners. */
function inject(times = 1): Listener[] {
  const addListener = vi.spyOn(fakeBrowser.runtime.onMessage, 'addListener');
  for (let i = 0; i < times; i++) batchScript.main();
  return addListener.mock.calls.map(([listener]) => listener as unknown as Listener);
}

/** What the frame answers the background (undefined: no answer from this frame). */
function ask(listener: Listener, message: unknown, senderId: string | undefined = fakeBrowser.runtime.id): unknown {
  let reply: unknown;
  listener(message, { id: senderId }, (value) => (reply = value));
  return reply;
}

function userClick(target: HTMLElement): void {
  const event = new MouseEvent('click', { bubbles: true, composed: true });
  Object.defineProperty(event, 'isTrusted', { value: true });
  target.dispatchEvent(event);
}

beforeEach(() => {
  // Each test is a fresh frame: no copy of the script has run in it yet.
  delete (globalThis as Record<string, unknown>).__tokenRelayBatchScript;
  document.body.innerHTML = '';
});

afterEach(() => {
  // Takes any Send all away (the offer's watch ends with it).
  document.body.innerHTML = '';
});

describe('entrypoints/abm-batch.ts', () => {
  it('a second injection into the same frame adds no second listener', () => {
    expect(inject(2)).toHaveLength(1);
  });

  it('answers list-locations only in a frame that shows the token section', () => {
    loadFixture('abm-content-tokens-table.html');
    const [listener] = inject();
    expect(ask(listener!, { type: 'batch:list-locations' })).toEqual({ locations: ['Main Office', 'Cupertino Campus', 'Remote Staff'] });
    loadFixture('abm-unrelated-prose.html');
    expect(ask(listener!, { type: 'batch:list-locations' })).toBeUndefined();
  });

  it('ignores another sender and anything that is not a valid command', () => {
    loadFixture('abm-content-tokens-table.html');
    const clicked: EventTarget[] = [];
    document.addEventListener('click', (event) => clicked.push(event.target!), { capture: true });
    const [listener] = inject();
    expect(ask(listener!, { type: 'batch:download', locationName: 'Main Office' }, 'another-extension')).toBeUndefined();
    expect(ask(listener!, { type: 'batch:download', locationName: '' })).toBeUndefined();
    expect(ask(listener!, { type: 'batch:download', locationName: 'x'.repeat(201) })).toBeUndefined();
    expect(ask(listener!, { type: 'batch:offer', dueLocations: ['Main Office'], target: '<img src=x>' })).toBeUndefined();
    expect(ask(listener!, { type: 'capture:file', text: 'x' })).toBeUndefined();
    expect(clicked).toEqual([]);
    expect(document.querySelector(SEND_ALL_TAG)).toBeNull();
  });

  it('download clicks the one entry and marks the navigation that follows as the batch’s, once', () => {
    loadFixture('abm-content-tokens-table.html');
    const clicked: EventTarget[] = [];
    document.addEventListener('click', (event) => clicked.push(event.target!), { capture: true });
    // abm.content's intent in the same isolated world: no user click, so nothing to claim before the batch's click.
    const intent = createDownloadIntent();
    expect(intent.claimNavigation()).toBe(false);

    const [listener] = inject();
    expect(ask(listener!, { type: 'batch:download', locationName: 'Cupertino Campus' })).toEqual({ clicked: true });
    expect(clicked).toHaveLength(1);
    expect((clicked[0] as HTMLElement).closest('tr')?.textContent).toContain('Cupertino Campus');
    expect(intent.claimNavigation()).toBe(true);
    expect(intent.claimNavigation()).toBe(false);

    expect(ask(listener!, { type: 'batch:download', locationName: 'Nowhere' })).toEqual({ clicked: false, reason: 'not-found' });
    expect(intent.claimNavigation()).toBe(false);
  });

  it('offer shows Send all; the user’s click sends capture:send-all with every name on the page', () => {
    loadFixture('abm-content-tokens-table.html');
    const sendMessage = vi.spyOn(fakeBrowser.runtime, 'sendMessage').mockResolvedValue(undefined);
    const [listener] = inject();
    expect(ask(listener!, { type: 'batch:offer', dueLocations: ['Main Office', 'Remote Staff'], target: 'Addigy' })).toEqual({ shown: 2 });
    const button = document.querySelector(SEND_ALL_TAG)!.shadowRoot!.querySelector('button')!;
    expect(button.textContent).toBe('Send all 2 expiring to Addigy');

    button.click();
    expect(sendMessage).not.toHaveBeenCalled();
    userClick(button);
    expect(sendMessage).toHaveBeenCalledExactlyOnceWith({
      type: 'capture:send-all',
      afterTrustedClick: true,
      locations: ['Main Office', 'Cupertino Campus', 'Remote Staff'],
    });
    // What the background accepts from a content script.
    expect(contentRequestSchema.safeParse(sendMessage.mock.calls[0]![0]).success).toBe(true);
    ask(listener!, { type: 'batch:offer', dueLocations: [], target: 'Addigy' });
    expect(document.querySelector(SEND_ALL_TAG)).toBeNull();
  });
});
