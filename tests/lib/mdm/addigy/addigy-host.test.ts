import { describe, expect, it, vi } from 'vitest';
import { AddigyClient } from '../../../../lib/mdm/addigy/addigy-client';
import { isAddigyBaseUrlAllowed, isAddigyHost } from '../../../../lib/mdm/addigy/addigy-host';

describe('where the Addigy API key may go', () => {
  it('allows the default host without asking, and any other host only when granted', async () => {
    const granted = vi.fn(async (origin: string) => origin === 'https://api.eu.addigy.com/*');
    expect(await isAddigyBaseUrlAllowed('https://api.addigy.com/api/v2', granted)).toBe(true);
    expect(granted).not.toHaveBeenCalled();
    expect(await isAddigyBaseUrlAllowed('https://api.eu.addigy.com/api/v2', granted)).toBe(true);
    expect(await isAddigyBaseUrlAllowed('https://attacker.example/api/v2', granted)).toBe(false);
    for (const bad of ['http://api.addigy.com/api/v2', 'https://u:p@api.addigy.com', 'not a url', '']) {
      expect(await isAddigyBaseUrlAllowed(bad, async () => true)).toBe(false);
    }
  });

  it('refuses a host that is not Addigy’s even when the browser granted it (a Jamf Pro or Fleet server)', async () => {
    const granted = vi.fn(async () => true);
    for (const other of ['https://acme.jamfcloud.com/api/v2', 'https://fleet.acme-corp.net/api/v2', 'https://addigy.com.attacker.example/api/v2']) {
      expect(await isAddigyBaseUrlAllowed(other, granted), other).toBe(false);
    }
    // Nor a wildcard inside Addigy's domain: only one plain host is ever asked about.
    for (const wild of ['https://*.addigy.com/api/v2', 'https://%2A.addigy.com/api/v2', 'https://1.2.3.4/api/v2']) {
      expect(await isAddigyBaseUrlAllowed(wild, granted), wild).toBe(false);
    }
    expect(granted).not.toHaveBeenCalled();
    expect(await isAddigyBaseUrlAllowed('https://prod.addigy.com/api/v2', granted)).toBe(true);
    expect(granted).toHaveBeenCalledWith('https://prod.addigy.com/*');
  });

  it('knows Addigy’s own hosts', () => {
    expect(isAddigyHost('prod.addigy.com')).toBe(true);
    expect(isAddigyHost('addigy.com')).toBe(true);
    expect(isAddigyHost('addigy.com.attacker.example')).toBe(false);
    expect(isAddigyHost('notaddigy.com')).toBe(false);
  });

  it('AddigyClient sends nothing to a host that is not allowed, and says why', async () => {
    const fetchImpl = vi.fn(async () => new Response('[]'));
    const client = new AddigyClient({
      baseUrl: 'https://attacker.example/api/v2',
      apiKey: 'the-key',
      fetch: fetchImpl as unknown as typeof fetch,
      hostAllowed: async () => false,
    });
    const list = await client.listTokens();
    expect(fetchImpl).not.toHaveBeenCalled();
    expect(list.ok).toBe(false);
    if (list.ok) return;
    expect(list.error).toMatchObject({ kind: 'bad-settings', transient: false });
    expect(list.error.message).toMatch(/did not contact attacker\.example/);
    expect(JSON.stringify(list.error)).not.toContain('the-key');
  });
});
