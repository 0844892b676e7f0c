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

  describe('our Addigy console script', () => {
    const CONSOLE = { id: ID, url: 'https://app.addigy.com/policies/pol-root', origin: 'https://app.addigy.com', tab: { id: 42 }, frameId: 0 };

    it('is the top frame of a tab on https://app.addigy.com, sent by our extension', () => {
      expect(classifySender(CONSOLE, ID, ORIGIN)).toBe('addigy-console-script');
      // The origin may come from the URL when the browser gives no sender.origin.
      const { origin: _, ...withoutOrigin } = CONSOLE;
      expect(classifySender(withoutOrigin, ID, ORIGIN)).toBe('addigy-console-script');
    });

    it.each([
      ['plain http', { url: 'http://app.addigy.com/policies', origin: 'http://app.addigy.com' }],
      ['a look-alike host', { url: 'https://app.addigy.com.evil.example/', origin: 'https://app.addigy.com.evil.example' }],
      ['another Addigy host', { url: 'https://docs.addigy.com/', origin: 'https://docs.addigy.com' }],
      ['a port on the host', { url: 'https://app.addigy.com:8443/', origin: 'https://app.addigy.com:8443' }],
      ['a subframe', { frameId: 3 }],
      ['no frameId', { frameId: undefined }],
      ['no tab', { tab: undefined }],
      ['another extension', { id: 'someone-else' }],
      ['no extension id', { id: undefined }],
      ['sender.origin that is not Addigy’s, whatever the URL', { origin: 'https://evil.example' }],
    ])('is untrusted with %s', (_name, change) => {
      expect(classifySender({ ...CONSOLE, ...change }, ID, ORIGIN)).toBe('untrusted');
    });

    it('tells our script on Addigy’s sign-in page apart from the console script: top frame of https://login.addigy.com only', () => {
      const SIGN_IN = { ...CONSOLE, url: 'https://login.addigy.com/u/login?state=abc', origin: 'https://login.addigy.com' };
      expect(classifySender(SIGN_IN, ID, ORIGIN)).toBe('addigy-sign-in-script');
      expect(classifySender({ ...SIGN_IN, frameId: 1 }, ID, ORIGIN)).toBe('untrusted');
      expect(classifySender({ ...SIGN_IN, tab: undefined }, ID, ORIGIN)).toBe('untrusted');
      expect(classifySender({ ...SIGN_IN, id: 'someone-else' }, ID, ORIGIN)).toBe('untrusted');
      expect(classifySender({ ...SIGN_IN, url: 'http://login.addigy.com/', origin: 'http://login.addigy.com' }, ID, ORIGIN)).toBe('untrusted');
      expect(classifySender({ ...SIGN_IN, url: 'https://login.addigy.com.evil.example/', origin: 'https://login.addigy.com.evil.example' }, ID, ORIGIN)).toBe('untrusted');
    });

    it('never mistakes an Apple frame or our own page for the console script', () => {
      expect(classifySender({ ...CONSOLE, url: 'https://business.apple.com/', origin: 'https://business.apple.com' }, ID, ORIGIN)).toBe('apple-content-script');
      expect(classifySender({ ...CONSOLE, url: `${ORIGIN}popup.html`, origin: undefined }, ID, ORIGIN)).toBe('extension-page');
    });
  });
});
