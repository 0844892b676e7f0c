import { MAX_VPP_TOKEN_BYTES } from '../token/types';
import type { CapturedFile } from './captured-file';

/**
 * MAIN world → isolated world, through a detached element that only our two scripts hold. No window message:
 * events dispatched on a node outside the document reach only that node's listeners, so the page, its other
 * scripts and other extensions' content scripts never see the bytes.
 *
 * Handshake, at document_start before any page script exists: the MAIN-world script (first in the manifest)
 * listens once for HELLO on the document; the isolated script then dispatches HELLO with its detached element
 * as `relatedTarget`, the one field that carries a DOM node across worlds. The listener cancels the event,
 * which tells the isolated script the element was taken, and removes itself.
 */
const HELLO = 'token-relay:bridge';
const FILE = 'token-relay:file';

/** MAIN world. Returns the sender; it drops files until the handshake is done. */
export function openBridgeInPage(doc: Document): (file: CapturedFile) => void {
  // Taken now: page scripts that run later may replace any of these.
  const dispatch = EventTarget.prototype.dispatchEvent;
  const apply = Reflect.apply;
  const CustomEventClass = CustomEvent;
  let hub: EventTarget | null = null;
  const take = (event: Event): void => {
    const node = (event as MouseEvent).relatedTarget;
    if (!node) return;
    hub = node;
    event.preventDefault();
    event.stopImmediatePropagation();
    doc.removeEventListener(HELLO, take, true);
  };
  doc.addEventListener(HELLO, take, true);
  return (file) => {
    // A null-prototype init: no getter the page put on Object.prototype is asked for `bubbles` and sees `detail`.
    const init = { __proto__: null, detail: `${file.via}\n${(file.fileName ?? '').replace(/\n/g, ' ')}\n${file.text}` };
    if (hub) apply(dispatch, hub, [new CustomEventClass(FILE, init as CustomEventInit)]);
  };
}

/** Isolated world. False when no MAIN-world script took the element (then blob: and data: files are not captured). */
export function openBridgeInContentScript(doc: Document, onFile: (file: CapturedFile) => void): boolean {
  const hub = doc.createElement('span');
  hub.addEventListener(FILE, (event) => {
    const detail: unknown = (event as CustomEvent).detail;
    if (typeof detail !== 'string' || detail.length > MAX_VPP_TOKEN_BYTES + 300) return;
    const [via, fileName, ...rest] = detail.split('\n');
    const text = rest.join('\n');
    if ((via === 'blob' || via === 'data') && text) onFile({ via, fileName: fileName || undefined, text });
  });
  return !doc.dispatchEvent(new MouseEvent(HELLO, { cancelable: true, relatedTarget: hub }));
}
