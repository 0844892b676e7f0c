import { addigyClientFor } from './addigy/addigy-host';
import { originOf } from '../http';
import type { IntentReply } from '../messaging/messages';
import { browserSiteAccess } from '../permissions/browser-site-access';
import type { ConnectionHandle } from './connection-handles';
import type { Problem, Result } from '../result';
import { loadAddigySectionKey, loadAddigySectionUrl } from '../storage/connections';
import { connectionHandles } from './connection-handles';
import { MDM_LABELS } from './mdm-adapter';
import { plural, t } from '../i18n/messages';

/** Anything that can list its tokens: the quickest proof that an address, secret and rights are right. */
interface TokenLister {
  listTokens(): Promise<Result<unknown[], Problem>>;
}

/** What Test connection asks; the background passes the real storage, client and permissions, tests pass doubles. */
export interface ConnectionTestDeps {
  /** Options' Addigy section: the connection `addigy`'s address and key. */
  addigySection(): Promise<{ baseUrl: string; apiKey: string }>;
  addigyClient(section: { baseUrl: string; apiKey: string }): TokenLister;
  siteAccess: { contains(origins: string[]): Promise<boolean> };
  connections(): Promise<ConnectionHandle[]>;
}

export const browserConnectionTestDeps: ConnectionTestDeps = {
  async addigySection() {
    const [baseUrl, apiKey] = await Promise.all([loadAddigySectionUrl(), loadAddigySectionKey()]);
    return { baseUrl, apiKey: apiKey ?? '' };
  },
  addigyClient: (section) => addigyClientFor(section),
  siteAccess: browserSiteAccess,
  connections: () => connectionHandles(),
};

/** Lists a connection's tokens (Options' Addigy section without an id) and says what came back, in words. */
export async function testConnection(connectionId: string | undefined, deps: ConnectionTestDeps): Promise<IntentReply> {
  if (connectionId) return testListedConnection(connectionId, deps);
  const section = await deps.addigySection();
  const list = await deps.addigyClient(section).listTokens();
  if (!list.ok) {
    // "Could not reach" is the browser withholding site access more often than the network failing.
    const origin = originOf(section.baseUrl);
    if (list.error.kind === 'unreachable' && origin && !(await deps.siteAccess.contains([`${origin}/*`]).catch(() => true))) {
      return {
        ok: false,
        problem: {
          kind: 'no-site-access',
          message: t('problemTokenRelayIsNotAllowedTo2', new URL(origin).host),
          nextStep: t('problemChooseAllowAccessToTheseSites'),
        },
      };
    }
    return { ok: false, problem: list.error };
  }
  const n = list.value.length;
  return { ok: true, note: plural('connectedAddigyTokens', n) };
}

async function testListedConnection(connectionId: string, deps: ConnectionTestDeps): Promise<IntentReply> {
  const handle = (await deps.connections()).find((h) => h.connection.id === connectionId);
  if (!handle) {
    return { ok: false, problem: { kind: 'unknown-connection', message: t('problemThatConnectionNoLongerExists'), nextStep: t('problemReloadOptions') } };
  }
  const noRetry = () => undefined;
  const list = handle.addigy ? await handle.addigy(noRetry).listTokens() : await handle.adapter!(noRetry).listTokens();
  if (!list.ok) return { ok: false, problem: list.error };
  const n = list.value.length;
  const label = MDM_LABELS[handle.connection.kind];
  return { ok: true, note: plural('connectedMdmTokens', n, label) };
}
