import { describe, expect, it } from 'vitest';
import { classifySender } from '../../../lib/messaging/classify-sender';

const ID = 'abcdefghijklmnopabcdefghijklmnop';
const ORIGIN = `chrome-extension://${ID}/`;

describe('classifySender', () => {
  it('trusts our own pages, as a popup or opened in a tab', () => {
    expect(classifySender({ id: ID, url: `${ORIGIN}popup.html` }, ID, ORIGIN)).toBe('extension-page');
    expect(classifySender({ id: ID, url: `${ORIGIN}popup.html`, tab: { id: 3 } }, ID, ORIGIN)).toBe('extension-page');
  });

  it('recognises our content script in an Apple frame, top-level or the MainPortal iframe', () => {
    const tab = { id: 7 };
    expect(classifySender({ id: ID, url: 'https://business.apple.com/#/main', origin: 'https://business.apple.com', tab }, ID, ORIGIN)).toBe('apple-content-script');
    expect(classifySender({ id: ID, url: 'https://school.apple.com/portal#/main', tab, frameId: 4 }, ID, ORIGIN)).toBe('apple-content-script');
  });

  it('ignores other extensions, other origins and look-alike hosts', () => {
    const tab = { id: 7 };
    expect(classifySender({ id: 'someone-else', url: `${ORIGIN}popup.html` }, ID, ORIGIN)).toBe('untrusted');
    expect(classifySender({ url: `${ORIGIN}popup.html` }, ID, ORIGIN)).toBe('untrusted');
    expect(classifySender({ id: ID, url: 'https://business.apple.com.evil.example/', tab }, ID, ORIGIN)).toBe('untrusted');
    expect(classifySender({ id: ID, url: 'http://business.apple.com/', tab }, ID, ORIGIN)).toBe('untrusted');
    expect(classifySender({ id: ID, url: 'https://example.org/', tab }, ID, ORIGIN)).toBe('untrusted');
    // Without a tab it is no content script; without our URL it is no page of ours.
    expect(classifySender({ id: ID, url: 'https://business.apple.com/' }, ID, ORIGIN)).toBe('untrusted');
    // sender.origin wins over a URL a frame might misreport.
    expect(classifySender({ id: ID, url: 'https://business.apple.com/', origin: 'https://evil.example', tab }, ID, ORIGIN)).toBe('untrusted');
  });
});
