import * as z from 'zod/mini';

/**
 * Wire shapes of Microsoft Graph's Intune `vppToken` resource and of the Microsoft identity platform's token
 * endpoint (see docs/mdm/intune.md). Loose objects: Graph adds properties over time.
 */

const optionalText = z.optional(z.nullable(z.string()));

/** Graph's `vppToken` (beta adds `locationName`, `tokenActionResults`). Never read its `token` property. */
export const graphVppTokenSchema = z.looseObject({
  id: z.string().check(z.minLength(1)),
  organizationName: optionalText,
  appleId: optionalText,
  /** Beta only. */
  locationName: optionalText,
  expirationDateTime: optionalText,
  lastSyncDateTime: optionalText,
  /** none | inProgress | completed | failed */
  lastSyncStatus: optionalText,
  /** unknown | valid | expired | invalid | assignedToExternalMDM | duplicateLocationId (beta) */
  state: optionalText,
  tokenActionResults: z.optional(z.nullable(z.array(z.unknown()))),
});
export type GraphVppToken = z.infer<typeof graphVppTokenSchema>;

/** One page of a Graph collection: `value`, and `@odata.nextLink` while there are more. */
export const graphVppTokenPageSchema = z.looseObject({
  value: z.array(graphVppTokenSchema),
  '@odata.nextLink': optionalText,
});

/** The token endpoint's success answer (authorization_code and refresh_token grants). */
export const microsoftTokenAnswerSchema = z.looseObject({
  access_token: z.string().check(z.minLength(1)),
  refresh_token: optionalText,
  // A number, though some proxies turn it into a string.
  expires_in: z.pipe(z.union([z.number(), z.string()]), z.transform((value) => Number(value))),
  token_type: optionalText,
  scope: optionalText,
});
export type MicrosoftTokenAnswer = z.infer<typeof microsoftTokenAnswerSchema>;
