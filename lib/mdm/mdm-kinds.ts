/**
 * The MDMs Token Relay knows, as plain data. It imports nothing, so storage (which keeps connections and
 * settings) can use it without pulling in any MDM's network code.
 */

export const MDM_KINDS = ['addigy', 'jamf-pro', 'intune', 'fleet'] as const;
export type MdmKind = (typeof MDM_KINDS)[number];

/** What people call each MDM: the Options select, the in-page button, messages. */
export const MDM_LABELS: Record<MdmKind, string> = {
  addigy: 'Addigy',
  'jamf-pro': 'Jamf Pro',
  intune: 'Microsoft Intune',
  fleet: 'Fleet',
};

/** Addigy's public API v2, where its read-only client goes unless Options says otherwise. */
export const DEFAULT_ADDIGY_BASE_URL = 'https://api.addigy.com/api/v2';

/** How Apple's `mdmInfo.name` names each MDM: a location "held by another MDM" is one none of these words names. */
const MDM_NAME_WORDS: Record<MdmKind, RegExp> = { addigy: /addigy/i, 'jamf-pro': /jamf/i, intune: /intune|microsoft/i, fleet: /fleet/i };

/** Does Apple's name for the MDM that holds a location name this kind? */
export function appleNamesKind(appleSays: string, kind: MdmKind): boolean {
  return MDM_NAME_WORDS[kind].test(appleSays);
}
