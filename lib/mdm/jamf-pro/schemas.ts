import * as z from 'zod/mini';

/**
 * Wire shapes of the Jamf Pro API calls Token Relay uses (see docs/mdm/jamf-pro.md): the OAuth client
 * credentials token, and volume purchasing locations (list page, and the location a PATCH answers with).
 */

const optionalText = z.optional(z.nullable(z.string()));

/** `POST /api/oauth/token`: `{ access_token, token_type: 'Bearer', expires_in }` (plus `scope`). */
export const jamfAccessTokenSchema = z.looseObject({
  access_token: z.string().check(z.minLength(1)),
  token_type: optionalText,
  // Seconds. Documented; tolerated when absent (the adapter then asks again soon).
  expires_in: z.optional(z.nullable(z.number())),
});
export type JamfAccessToken = z.infer<typeof jamfAccessTokenSchema>;

/** One volume purchasing location (an Apple Apps and Books location token in Jamf Pro). */
export const jamfLocationSchema = z.looseObject({
  // A string in the published schema; tolerate a number and keep one type inside the extension.
  id: z.pipe(z.union([z.string().check(z.minLength(1)), z.number()]), z.transform((v) => String(v))),
  name: optionalText,
  appleId: optionalText,
  organizationName: optionalText,
  locationName: optionalText,
  tokenExpiration: optionalText,
  clientContextMismatch: z.optional(z.nullable(z.boolean())),
  lastSyncTime: optionalText,
  countryCode: optionalText,
  siteId: z.optional(z.nullable(z.union([z.string(), z.number()]))),
});
export type JamfLocation = z.infer<typeof jamfLocationSchema>;

/** `GET /api/v1/volume-purchasing-locations?page=&page-size=`: one page. */
export const jamfLocationPageSchema = z.looseObject({
  totalCount: z.optional(z.nullable(z.number())),
  results: z.array(jamfLocationSchema),
});
export type JamfLocationPage = z.infer<typeof jamfLocationPageSchema>;
