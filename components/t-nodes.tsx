import type { ComponentChildren } from 'preact';
import { t, type MessageKey } from '../lib/i18n/messages';

// Private-use marks around a substitution's index: never in a message or a name Token Relay shows.
const OPEN = '\uE000';
const CLOSE = '\uE001';

/**
 * A message whose substitutions may be elements (`<strong>`, a button): the translator still places them anywhere
 * in the sentence, and no sentence is glued together from pieces.
 */
export function tNodes(key: MessageKey, ...substitutions: ComponentChildren[]): ComponentChildren[] {
  const marked = substitutions.map((part, i) => (typeof part === 'string' || typeof part === 'number' ? part : `${OPEN}${i}${CLOSE}`));
  return t(key, ...marked)
    .split(new RegExp(`${OPEN}(\\d)${CLOSE}`))
    .map((piece, i) => (i % 2 === 1 ? substitutions[Number(piece)] : piece));
}
