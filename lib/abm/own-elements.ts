/** Tag of the host element the content script puts in each entry (its UI lives in a shadow root). */
export const SEND_HOST_TAG = 'token-relay-send';

/** Every element Token Relay adds to Apple's page has a tag starting with this (e.g. a hint near the heading). */
export const OWN_TAG_PREFIX = 'token-relay-';

/** Our own injected element: never an entry, never a reason to look at the page again. */
export function isOwnElement(node: Node): boolean {
  return node.nodeType === 1 && (node as Element).localName.startsWith(OWN_TAG_PREFIX);
}
