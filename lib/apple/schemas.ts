import * as z from 'zod/mini';

/** Apple's `ClientConfigResponse` (GET /mdm/v2/client/config). Unknown fields pass through. */
export const appleMdmInfoSchema = z.looseObject({
  id: z.optional(z.nullable(z.string())),
  name: z.optional(z.nullable(z.string())),
  metadata: z.optional(z.nullable(z.string())),
});

export const appleClientConfigSchema = z.looseObject({
  uId: z.string().check(z.minLength(1)),
  locationName: z.optional(z.string()),
  countryISO2ACode: z.optional(z.string()),
  defaultPlatform: z.optional(z.string()),
  tokenExpirationDate: z.optional(z.string()),
  mdmInfo: z.optional(z.nullable(appleMdmInfoSchema)),
  websiteURL: z.optional(z.string()),
  notificationUrl: z.optional(z.string()),
});
export type AppleClientConfig = z.infer<typeof appleClientConfigSchema>;

/** Apple reports failures as this body, sometimes with HTTP 200. */
export const appleErrorBodySchema = z.looseObject({
  errorNumber: z.number(),
  errorMessage: z.optional(z.string()),
});
