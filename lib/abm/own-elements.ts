/** Tag of the host element the content script puts in each entry (its UI lives in a shadow root). */
export const SEND_HOST_TAG = 'token-relay-send';

/** Every element Token Relay adds to Apple's page has a tag starting with this (e.g. a hint near the heading). */
export const OWN_TAG_PREFIX = 'token-relay-';

// HTML documents upper-case nodeName; XHTML keeps it as written. Checked on every mutation record, so no allocation.
const HTML_NODE_NAME_PREFIX = OWN_TAG_PREFIX.toUpperCase();

/** Our own injected element: never an entry, never a reason to look at the page again. */
export function isOwnElement(node: Node): boolean {
  if (node.nodeType !== 1) return false;
  const name = node.nodeName;
  return name.startsWith(HTML_NODE_NAME_PREFIX) || name.startsWith(OWN_TAG_PREFIX);
}
