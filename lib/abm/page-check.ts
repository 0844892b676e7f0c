import * as z from 'zod/mini';
import { pageOutlineSchema, type PageOutline } from '../addigy-console/console-messages';
import { outlinePage } from '../page-report';
import { findTokenSection } from './find-token-entries';
import { looksLikeTokenRoute } from './page-knowledge';
import { addAllPageLabels, allKnownWords } from './page-labels';

/** What one frame of an Apple Business/School Manager tab shows, checked on demand from the popup. */
export interface ApplePageCheck {
  /** The frame's address (hash routes included) points at where tokens live. */
  tokenRoute: boolean;
  /** Token Relay can read a token section here. */
  readable: boolean;
  /** When it cannot, an outline with no values in it, for a page report. */
  outline?: PageOutline;
}

/** The injected script's answer, checked again where it arrives: it ran in a frame of someone else's page. */
export const applePageCheckSchema = z.object({
  tokenRoute: z.boolean(),
  readable: z.boolean(),
  outline: z.optional(pageOutlineSchema),
});

/** Every label Token Relay keys on, in every language, plus the words of the path to the tokens: the outline keeps these. */
export const ABM_KNOWN_LABELS: readonly string[] = allKnownWords();

/** Whether Token Relay can read this frame; when not, an outline that says the page's language (`<html lang>`). */
export function checkApplePage(doc: Document, url: string): ApplePageCheck {
  addAllPageLabels();
  const tokenRoute = looksLikeTokenRoute(url);
  const readable = findTokenSection(doc) !== null;
  return readable || !tokenRoute ? { tokenRoute, readable } : { tokenRoute, readable, outline: outlinePage(doc, ABM_KNOWN_LABELS) };
}

/**
 * The tab's verdict from its frames: unreadable when some frame is on the tokens route and no frame shows a
 * token section. The report keeps the biggest such frame's outline (the console's MainPortal iframe).
 */
export function unreadableApplePage(frames: readonly ApplePageCheck[]): PageOutline | undefined {
  if (frames.some((f) => f.readable)) return undefined;
  const outlines = frames.filter((f) => f.tokenRoute && f.outline).map((f) => f.outline!);
  return outlines.sort((a, b) => b.nodes.length - a.nodes.length)[0];
}
