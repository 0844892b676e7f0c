import * as z from 'zod/mini';

const shortText = z.string().check(z.maxLength(300));

/** A page outline with no values in it (see page-outline.ts): sent with a missing step, kept with a failure. */
export const pageOutlineSchema = z.object({
  page: shortText,
  takenAt: shortText,
  /** The page's language as its `<html lang>` says (a BCP 47 tag), when it says one. */
  lang: z.optional(shortText),
  nodes: z.array(z.string().check(z.maxLength(400))).check(z.maxLength(2000)),
});
export type PageOutline = z.infer<typeof pageOutlineSchema>;
