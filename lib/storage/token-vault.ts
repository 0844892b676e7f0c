import { browser } from 'wxt/browser';
import { storage } from 'wxt/utils/storage';

/**
 * Where a pending renewal's token text waits for the user's confirmation.
 * storage.session lives in memory, survives service-worker restarts, is gone when the browser
 * closes, and by default only extension pages and the worker can read it.
 */
export interface TokenVault {
  put(renewalId: string, tokenText: string): Promise<void>;
  get(renewalId: string): Promise<string | undefined>;
  wipe(renewalId: string): Promise<void>;
  /** The renewals that have a token waiting here. */
  ids(): Promise<string[]>;
}

const PREFIX = 'pending-token:';
const key = (renewalId: string) => `session:${PREFIX}${renewalId}` as const;

export const sessionTokenVault: TokenVault = {
  async put(renewalId, tokenText) {
    await storage.setItem(key(renewalId), tokenText);
  },
  async get(renewalId) {
    const text: unknown = await storage.getItem(key(renewalId));
    return typeof text === 'string' && text ? text : undefined;
  },
  async wipe(renewalId) {
    await storage.removeItem(key(renewalId));
  },
  async ids() {
    const all = await browser.storage.session.get(null);
    return Object.keys(all)
      .filter((name) => name.startsWith(PREFIX))
      .map((name) => name.slice(PREFIX.length));
  },
};

export function memoryTokenVault(): TokenVault & { size(): number } {
  const tokens = new Map<string, string>();
  return {
    async put(id, text) { tokens.set(id, text); },
    async get(id) { return tokens.get(id); },
    async wipe(id) { tokens.delete(id); },
    async ids() { return [...tokens.keys()]; },
    size: () => tokens.size,
  };
}
