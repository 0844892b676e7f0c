import { describe, expect, it } from 'vitest';
import { openBridgeInContentScript, openBridgeInPage } from '../../../lib/capture/bridge';
import type { CapturedFile } from '../../../lib/capture/captured-file';
import { makeVppTokenText } from '../../support/vpp-token-factory';

/** The private bridge's event types (lib/capture/bridge.ts). */
const HELLO = 'token-relay:bridge';
const FILE = 'token-relay:file';

const REAL: CapturedFile = { via: 'blob', fileName: 'sToken_for_Main Campus.vpptoken', text: makeVppTokenText() };

/** Apple's page with both of our scripts in it, handshake done. */
function bridgedPage() {
  const doc = document.implementation.createHTMLDocument('Apple Business Manager');
  const sendFromHook = openBridgeInPage(doc);
  const files: CapturedFile[] = [];
  expect(openBridgeInContentScript(doc, (file) => files.push(file))).toBe(true);
  return { doc, sendFromHook, files };
}

describe('the MAIN-world ↔ isolated bridge', () => {
  it('carries the hook’s file to the content script, once', () => {
    const { sendFromHook, files } = bridgedPage();
    sendFromHook(REAL);
    expect(files).toEqual([REAL]);
  });

  it('after the handshake, a HELLO the page forges gets nothing: not taken, not cancelled, and no file goes to its node', () => {
    const { doc, sendFromHook, files } = bridgedPage();
    // A page script offers its own node, as our isolated script did.
    const pageNode = doc.createElement('span');
    const toPage: unknown[] = [];
    pageNode.addEventListener(FILE, (event) => toPage.push((event as CustomEvent).detail));
    const forged = new MouseEvent(HELLO, { cancelable: true, relatedTarget: pageNode });
    const notCancelled = doc.dispatchEvent(forged);

    sendFromHook(REAL);
    expect(toPage).toEqual([]);
    // The bridge still goes to our content script, and only there.
    expect(files).toEqual([REAL]);
    // Nor does the page learn that a bridge is there.
    expect(notCancelled).toBe(true);
    expect(forged.defaultPrevented).toBe(false);
  });

  it('a second HELLO with a listener of the page’s own in place still reaches the page’s listener (ours is gone)', () => {
    const { doc } = bridgedPage();
    const seen: EventTarget[] = [];
    doc.addEventListener(HELLO, (event) => seen.push((event as MouseEvent).relatedTarget!));
    const pageNode = doc.createElement('i');
    doc.dispatchEvent(new MouseEvent(HELLO, { cancelable: true, relatedTarget: pageNode }));
    // Nothing of ours stopped it on the way.
    expect(seen).toEqual([pageNode]);
  });
});
