import * as z from 'zod/mini';

/**
 * Wire shapes of Fleet's REST API for Apple Apps and Books (VPP) tokens (Fleet Premium), as Fleet documents them
 * under "List Volume Purchasing Program (VPP) tokens" and "Renew VPP token". See docs/mdm/fleet.md.
 */

const optionalText = z.optional(z.nullable(z.string()));

/** Fleet's ids are integers; a string id is tolerated and both become one string inside the extension. */
const fleetId = z.pipe(
  z.union([z.number().check(z.int(), z.nonnegative()), z.string().check(z.regex(/^\d+$/))]),
  z.transform((id) => String(id)),
);

export const fleetVppTokenSchema = z.looseObject({
  id: fleetId,
  org_name: optionalText,
  /** Apple's location name (Fleet's docs show a URL in the example; the server fills it from Apple's client config). */
  location: optionalText,
  /** The token's expiry (Apple's `expDate`), RFC 3339. */
  renew_date: optionalText,
  terms_expired: z.optional(z.nullable(z.boolean())),
  /** `[{ team_id, name }]`, `[{ id, name }]`, ids, or null: the docs show all of these; Token Relay does not read it. */
  teams: z.optional(z.unknown()),
});
export type FleetVppToken = z.infer<typeof fleetVppTokenSchema>;

/**
 * The list: documented as `"vpp_tokens": [...]` inside Fleet's usual object; a bare array is tolerated, and
 * `null` (Go's empty slice) reads as none.
 */
export const fleetVppTokenListSchema = z.union([
  z.looseObject({ vpp_tokens: z.nullable(z.array(fleetVppTokenSchema)) }),
  z.array(fleetVppTokenSchema),
]);

/**
 * The renew answer. Fleet's server answers `202 Accepted` with `{"token": {...}}` (fleetdm/fleet
 * server/service/vpp.go, `patchVPPTokenRenewResponse`; server/fleet/api_vpp.go, `PatchVPPTokenRenewResponse`),
 * while its REST docs and its front end (frontend/services/entities/mdm_apple.ts, `IRenewVppTokenResponse`)
 * say `200` with `{"vpp_token": {...}}`. Both are read; the bare token is tolerated.
 */
export const fleetVppTokenAnswerSchema = z.pipe(
  z.union([z.looseObject({ token: fleetVppTokenSchema }), z.looseObject({ vpp_token: fleetVppTokenSchema }), fleetVppTokenSchema]),
  z.transform((answer): FleetVppToken => {
    if ('token' in answer && answer.token && typeof answer.token === 'object') return answer.token as FleetVppToken;
    if ('vpp_token' in answer) return answer.vpp_token as FleetVppToken;
    return answer as FleetVppToken;
  }),
);

/** Fleet's error body (mdm-http reads the words; this is for tests and the sandbox's shape). */
export const fleetErrorBodySchema = z.looseObject({
  message: z.string(),
  errors: z.optional(z.array(z.looseObject({ name: optionalText, reason: optionalText }))),
});
