import type { AppleClientConfig } from '../apple/schemas';
import type { MdmDetails } from '../mdm/renewal-writer';
import { t } from '../i18n/messages';

const DAY_MS = 86_400_000;
const same = (a?: string | null, b?: string | null) => !a || !b || a.trim().toLowerCase() === b.trim().toLowerCase();
const sameDay = (a?: string | null, b?: string | null) => {
  const [x, y] = [Date.parse(a ?? ''), Date.parse(b ?? '')];
  return Number.isNaN(x) || Number.isNaN(y) || Math.abs(x - y) < DAY_MS;
};
const day = (iso: string) => new Date(iso).toISOString().slice(0, 10);

/** Where the file, Apple and the MDM's details (`mdm`: its name) disagree: shown before the Renew button. */
export function findDiscrepancies(input: {
  file: { orgName: string; expiresAt: string };
  apple?: AppleClientConfig;
  preview: MdmDetails;
  mdm: string;
}): string[] {
  const { file, apple, preview, mdm } = input;
  const found: string[] = [];
  if (!same(file.orgName, preview.organization)) {
    found.push(t('problemTheFileNamesTheOrganisationBut', file.orgName, mdm, preview.organization));
  }
  if (apple && !same(apple.locationName, preview.name)) {
    found.push(t('problemAppleSaysThisTokenIsFor', String(apple.locationName), mdm, String(preview.name)));
  }
  if (apple?.tokenExpirationDate && !sameDay(file.expiresAt, apple.tokenExpirationDate)) {
    found.push(t('problemTheFileExpiresOnButApple', day(file.expiresAt), day(apple.tokenExpirationDate)));
  }
  return found;
}
