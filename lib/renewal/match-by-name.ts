import type { MdmToken } from '../mdm/mdm-adapter';
import { sameName } from '../text/same-name';

export interface NameMatchInput {
  /** Apple's location name when Apple was asked, else the download's file name. */
  locationName?: string;
  /** The file's organisation. */
  orgName: string;
}

/**
 * The tokens of an MDM that lists no Apple identifier (Jamf Pro, Intune, Fleet) which a file may renew:
 * same location name, and the same organisation where the MDM lists one. A name match is weaker than
 * Addigy's `uId` match, and the popup says so. Without a location name nothing matches: an organisation
 * alone names many locations.
 */
export function matchTokensByName(tokens: MdmToken[], input: NameMatchInput): MdmToken[] {
  const location = sameName(input.locationName);
  const org = sameName(input.orgName);
  if (!location) return [];
  return tokens.filter((token) => {
    if (sameName(token.locationName) !== location) return false;
    return !token.orgName?.trim() || !org || sameName(token.orgName) === org;
  });
}
