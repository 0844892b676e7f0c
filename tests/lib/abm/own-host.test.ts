import { describe, expect, it } from 'vitest';
import { placeOwnHost } from '../../../lib/abm/own-host';
import { addSendButton } from '../../../entrypoints/abm.content/send-button';
import { SEND_HOST_TAG } from '../../../lib/abm/own-elements';

/** A row of Apple's token list with its Download control. */
function appleRow() {
  const doc = document.implementation.createHTMLDocument('Apple Business Manager');
  const row = doc.createElement('div');
  row.setAttribute('role', 'row');
  const download = doc.createElement('button');
  download.textContent = 'Download';
  const other = doc.createElement('span');
  other.textContent = 'Main Campus';
  row.append(download, other);
  doc.body.append(row);
  return { doc, row, download };
}

const hostsAfter = (anchor: Element, tag: string) => [...anchor.parentElement!.children].filter((el) => el.localName === tag);

describe('placeOwnHost: our element on Apple’s page', () => {
  it('a host left by an earlier copy of the script (its signal never aborts) is replaced: one host per anchor', () => {
    const { download } = appleRow();
    // The earlier copy: the extension was updated, its script's context is gone, and nothing will abort its signal.
    const earlier = new AbortController();
    placeOwnHost(download, SEND_HOST_TAG, '', download.ownerDocument.createTextNode('old'), earlier.signal);
    const current = new AbortController();
    placeOwnHost(download, SEND_HOST_TAG, '', download.ownerDocument.createTextNode('new'), current.signal);

    const hosts = hostsAfter(download, SEND_HOST_TAG);
    expect(hosts).toHaveLength(1);
    expect(hosts[0]!.shadowRoot!.textContent).toContain('new');
    expect(download.nextElementSibling).toBe(hosts[0]);
    // The page's own elements stay where they were.
    expect(download.parentElement!.textContent).toContain('Main Campus');

    current.abort();
    expect(hostsAfter(download, SEND_HOST_TAG)).toHaveLength(0);
  });

  it('two Send buttons placed on one Download control, as by an old and a new copy of the script, leave exactly one', () => {
    const { download } = appleRow();
    const entry = { element: download.parentElement!, locationName: 'Main Campus', downloadControl: download };
    addSendButton(entry, download, new AbortController().signal, () => undefined);
    addSendButton(entry, download, new AbortController().signal, () => undefined);
    const hosts = hostsAfter(download, SEND_HOST_TAG);
    expect(hosts).toHaveLength(1);
    expect(hosts[0]!.shadowRoot!.querySelectorAll('button')).toHaveLength(1);
  });

  it('another element after the anchor is not removed', () => {
    const { download, doc } = appleRow();
    const pageOwn = doc.createElement('token-relay-hint');
    download.after(pageOwn);
    placeOwnHost(download, SEND_HOST_TAG, '', doc.createTextNode('x'), new AbortController().signal);
    expect(hostsAfter(download, 'token-relay-hint')).toHaveLength(1);
    expect(hostsAfter(download, SEND_HOST_TAG)).toHaveLength(1);
  });
});
