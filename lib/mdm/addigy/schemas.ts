import * as z from 'zod/mini';

/** Wire shapes of Addigy's published API v2, read-only for tokens (see docs/management-api.md). */

const optionalText = z.optional(z.nullable(z.string()));

export const addigyClientConfigSchema = z.looseObject({
  uId: optionalText,
  locationName: optionalText,
  countryISO2ACode: optionalText,
  defaultPlatform: optionalText,
  websiteURL: optionalText,
  // In the current published spec; older copies lack it.
  tokenExpirationDate: optionalText,
  mdmInfo: z.optional(
    z.nullable(z.looseObject({ id: optionalText, name: optionalText, metadata: optionalText })),
  ),
});

export const addigyTokenSchema = z.looseObject({
  locationId: z.string().check(z.minLength(1)),
  active: z.optional(z.nullable(z.boolean())),
  clientConfig: z.optional(z.nullable(addigyClientConfigSchema)),
  errMsg: optionalText,
  // In the current published spec; older copies lack it.
  expDate: optionalText,
  forceOnPolicyTree: z.optional(z.nullable(z.boolean())),
  inheritedFrom: optionalText,
  lastSync: optionalText,
  lastSyncingStatus: optionalText,
  orgName: optionalText,
  policyId: optionalText,
  syncing: z.optional(z.nullable(z.boolean())),
  // The spec says string; tolerate numbers and keep one type inside the extension.
  version: z.optional(
    z.nullable(z.pipe(z.union([z.string(), z.number()]), z.transform((v) => String(v)))),
  ),
});
export type AddigyToken = z.infer<typeof addigyTokenSchema>;
export const addigyTokenListSchema = z.array(addigyTokenSchema);

export const systemEventSchema = z.looseObject({
  event_id: z.optional(z.string()),
  orgid: z.optional(z.string()),
  level: z.optional(z.string()),
  date: z.optional(z.string()),
  action_receiver: z.optional(z.looseObject({ identifier: optionalText, name: optionalText })),
  action_sender: z.optional(z.unknown()),
  action: z.optional(
    z.looseObject({
      name: optionalText,
      details: optionalText,
      entity: z.optional(z.looseObject({ identifier: optionalText, name: optionalText })),
    }),
  ),
  result: z.optional(z.looseObject({ status: optionalText, details: optionalText })),
});
export type SystemEvent = z.infer<typeof systemEventSchema>;
export const systemEventPageSchema = z.looseObject({
  items: z.array(systemEventSchema),
  metadata: z.optional(z.unknown()),
});

/** Addigy's published error body, plus the variants the contract tells us to tolerate. */
export const addigyErrorBodySchema = z.union([
  // `code` is an int in the spec; a string code must not hide the message.
  z.looseObject({ code: z.optional(z.union([z.number(), z.string()])), message: z.string() }),
  z.looseObject({ error: z.string() }),
]);
