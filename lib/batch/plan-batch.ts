import type { AppleSite, TokenHealth } from '../health/health-state';
import type { MdmKind } from '../mdm/mdm-kinds';
import type { BatchItem } from './batch-record';
import { t } from '../i18n/messages';
import { sameName } from '../text/same-name';

/** The connection of Options' Addigy section (lib/storage/primary-connection.ts), whose health keys carry no prefix. */
const PRIMARY_CONNECTION = { id: 'addigy', name: 'Addigy' };

/** States a batch renews: in the reminder window, or dead already. */
const DUE_STATES: ReadonlySet<string> = new Set(['expiring-soon', 'expired', 'revoked', 'invalid']);

export const isDue = (health: TokenHealth): boolean => DUE_STATES.has(health.state);

/** The due tokens, grouped by Apple organisation (one batch per organisation: it uses that Apple session). */
export interface DueGroup {
  site: AppleSite;
  orgName: string;
  tokens: TokenHealth[];
}

export function dueGroups(health: readonly TokenHealth[]): DueGroup[] {
  const groups = new Map<string, DueGroup>();
  for (const token of health) {
    if (!isDue(token)) continue;
    const key = `${token.websiteURL}\n${sameName(token.orgName)}`;
    const group = groups.get(key) ?? { site: token.websiteURL, orgName: token.orgName, tokens: [] };
    group.tokens.push(token);
    groups.set(key, group);
  }
  return [...groups.values()].sort((a, b) => b.tokens.length - a.tokens.length || a.orgName.localeCompare(b.orgName));
}

/** Which connection holds a token, and the MDM's own id for it, from the health's key. */
export function holderOf(token: TokenHealth): { connectionId: string; connectionName: string; mdm: MdmKind; tokenId: string } {
  if (!token.connectionName) return { connectionId: PRIMARY_CONNECTION.id, connectionName: PRIMARY_CONNECTION.name, mdm: 'addigy', tokenId: token.locationId };
  const cut = token.locationId.indexOf(':');
  return {
    connectionId: token.locationId.slice(0, cut),
    connectionName: token.connectionName,
    mdm: token.mdm ?? 'addigy',
    tokenId: token.locationId.slice(cut + 1),
  };
}

/**
 * The batch for one organisation: its due tokens whose location Apple's open page lists (so the page can download
 * them), each once. `pageLocations` are the location names the page shows; a name the page shows twice is left out
 * (Token Relay could not tell which Download is which).
 */
export function planBatch(input: {
  health: readonly TokenHealth[];
  site: AppleSite;
  orgName?: string;
  pageLocations: readonly string[];
}): { orgName: string; items: BatchItem[] } | undefined {
  const onPage = new Map<string, number>();
  for (const name of input.pageLocations) onPage.set(sameName(name), (onPage.get(sameName(name)) ?? 0) + 1);
  const due = input.health.filter((h) => h.websiteURL === input.site && isDue(h) && onPage.get(sameName(h.locationName)) === 1);
  const group = dueGroups(due).find((g) => !input.orgName || sameName(g.orgName) === sameName(input.orgName));
  if (!group) return undefined;
  const first = new Map<string, BatchItem>();
  const items: BatchItem[] = [];
  for (const token of group.tokens) {
    // One download per location: two connections holding the same location get the file once, for the first.
    const location = sameName(token.locationName);
    const earlier = first.get(location);
    if (earlier) {
      const other = holderOf(token).connectionName;
      earlier.discrepancy = [earlier.discrepancy, t('problemHoldsThisLocationTooRenewIt', other)].filter(Boolean).join(' ');
      continue;
    }
    const discrepancy = discrepancyOf(token);
    const item: BatchItem = {
      key: token.locationId,
      locationName: token.locationName,
      orgName: token.orgName,
      ...holderOf(token),
      ...(token.expiresAt ? { expiresAt: token.expiresAt } : {}),
      health: token.state,
      ...(discrepancy ? { discrepancy } : {}),
      state: 'queued',
    };
    first.set(location, item);
    items.push(item);
  }
  items.sort((a, b) => (a.expiresAt ?? '').localeCompare(b.expiresAt ?? '') || a.locationName.localeCompare(b.locationName));
  return { orgName: group.orgName, items };
}

/** What the admin should know about a row before saying yes: why a dead token is dead, or an unknown expiry. */
function discrepancyOf(token: TokenHealth): string | undefined {
  if (token.state === 'revoked' || token.state === 'invalid' || token.state === 'expired') return token.reason;
  if (!token.expiresAt) return t('problemTheMDMDoesNotSayWhen');
  return undefined;
}
