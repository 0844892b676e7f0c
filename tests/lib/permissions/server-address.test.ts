import { describe, expect, it, vi } from 'vitest';
import {
  addressFaultMessage,
  checkServerAddress,
  isPlainHostName,
  isRequestableOrigin,
  originPatternFor,
  requestServerAccess,
} from '../../../lib/permissions/server-address';
import { normaliseServerUrl } from '../../../lib/mdm/mdm-http';
import { normaliseBaseUrl } from '../../../lib/storage/settings';
import { originsOf } from '../../../lib/mdm/connection-origins';

/** What the admin types → what Jamf Pro / Fleet connections keep (undefined: refused), and why. */
const SERVER_URLS: Array<[input: string, expected: string | undefined, fault?: string]> = [
  // Accepted: plain DNS names, a port, a path, no scheme typed, IDNs as the browser writes them (punycode).
  ['https://acme.jamfcloud.com', 'https://acme.jamfcloud.com'],
  ['acme.jamfcloud.com', 'https://acme.jamfcloud.com'],
  ['  https://ACME.jamfcloud.com/  ', 'https://acme.jamfcloud.com'],
  ['jamf.example.edu:8443/jss/', 'https://jamf.example.edu:8443/jss'],
  ['https://fleet.example.com:443', 'https://fleet.example.com'],
  ['https://fleet.example.com:65535', 'https://fleet.example.com:65535'],
  ['https://my-fleet.example.co.uk', 'https://my-fleet.example.co.uk'],
  ['https://bücher.example', 'https://xn--bcher-kva.example'],
  ['https://xn--bcher-kva.example', 'https://xn--bcher-kva.example'],
  // Wildcards, however written.
  ['https://*', undefined, 'wildcard'],
  ['*', undefined, 'wildcard'],
  ['https://*/', undefined, 'wildcard'],
  ['https://*.example.com', undefined, 'wildcard'],
  ['*.example.com', undefined, 'wildcard'],
  ['https://exa*mple.com', undefined, 'wildcard'],
  ['https://%2A', undefined, 'wildcard'],
  ['https://%2a.example.com', undefined, 'wildcard'],
  ['https://*:8443', undefined, 'wildcard'],
  // Credentials, query, fragment.
  ['https://a@b.com', undefined, 'credentials'],
  ['https://user:pw@fleet.example.com', undefined, 'credentials'],
  ['https://fleet.example.com/?x=1', undefined, 'query'],
  ['https://fleet.example.com/#x', undefined, 'query'],
  // Not https.
  ['http://fleet.example.com', undefined, 'not-https'],
  ['ftp://fleet.example.com', undefined, 'not-https'],
  // IP literals and single-label names (localhost): no production server needs them.
  ['https://192.168.1.10', undefined, 'ip-address'],
  ['https://0x7f.1', undefined, 'ip-address'],
  ['https://[::1]:8443', undefined, 'ip-address'],
  ['https://localhost', undefined, 'not-a-host-name'],
  ['https://jamf:8443', undefined, 'not-a-host-name'],
  // Not a DNS host name.
  ['https://a_b.example.com', undefined, 'not-a-host-name'],
  ['https://-acme.example.com', undefined, 'not-a-host-name'],
  ['https://acme-.example.com', undefined, 'not-a-host-name'],
  ['https://a..example.com', undefined, 'not-a-host-name'],
  ['https://example.com.', undefined, 'not-a-host-name'],
  [`https://${'a'.repeat(64)}.example.com`, undefined, 'not-a-host-name'],
  [`https://${Array(60).fill('abcd').join('.')}.com`, undefined, 'not-a-host-name'],
  // Ports.
  ['https://fleet.example.com:0', undefined, 'port'],
  ['https://fleet.example.com:65536', undefined, 'not-a-url'],
  // Junk.
  ['', undefined, 'not-a-url'],
  ['https://', undefined, 'not-a-url'],
  ['https://exa mple.com', undefined, 'not-a-url'],
];

describe('server addresses', () => {
  it.each(SERVER_URLS)('normaliseServerUrl(%j) → %j', (input, expected, fault) => {
    expect(normaliseServerUrl(input)).toBe(expected);
    const checked = checkServerAddress(input, { schemeOptional: true });
    expect(checked.ok ? undefined : checked.fault).toBe(fault);
  });

  it('builds the host permission only for a plain host, with its port', () => {
    expect(originPatternFor('https://acme.jamfcloud.com/api')).toBe('https://acme.jamfcloud.com/*');
    expect(originPatternFor('https://jamf.example.edu:8443/jss')).toBe('https://jamf.example.edu:8443/*');
    for (const bad of ['https://*', 'https://*.example.com', 'https://%2A', 'https://exa*mple.com', 'https://a@b.com', 'https://10.0.0.1', 'http://a.com']) {
      expect(originPatternFor(bad), bad).toBeUndefined();
    }
    expect(originsOf({ kind: 'fleet', serverUrl: 'https://*' })).toEqual([]);
    expect(originsOf({ kind: 'jamf-pro', serverUrl: 'https://*.example.com' })).toEqual([]);
    expect(originsOf({ kind: 'fleet', serverUrl: 'https://fleet.example.com/base' })).toEqual(['https://fleet.example.com/*']);
  });

  it('lets only `https://<plain host>[:port]/*` reach permissions.request', async () => {
    for (const good of ['https://acme.jamfcloud.com/*', 'https://jamf.example.edu:8443/*', 'https://login.microsoftonline.com/*']) {
      expect(isRequestableOrigin(good), good).toBe(true);
    }
    for (const bad of [
      'https://*/*',
      'https://%2A/*',
      'https://*.example.com/*',
      '*://acme.jamfcloud.com/*',
      'http://acme.jamfcloud.com/*',
      '<all_urls>',
      'https://acme.jamfcloud.com/api/*',
      'https://acme.jamfcloud.com:443/*',
      'https://a@acme.jamfcloud.com/*',
      'https://127.0.0.1/*',
      'https://localhost/*',
    ]) {
      expect(isRequestableOrigin(bad), bad).toBe(false);
    }
    const request = vi.fn(async () => true);
    expect(await requestServerAccess(request, ['https://*/*'])).toBe(false);
    expect(await requestServerAccess(request, ['https://acme.jamfcloud.com/*', 'https://*.example.com/*'])).toBe(false);
    expect(await requestServerAccess(request, [])).toBe(false);
    expect(request).not.toHaveBeenCalled();
    expect(await requestServerAccess(request, ['https://acme.jamfcloud.com/*'])).toBe(true);
    expect(request).toHaveBeenCalledWith(['https://acme.jamfcloud.com/*']);
  });

  it('the Addigy API address: written in full, plain host, no wildcard', () => {
    expect(normaliseBaseUrl('https://api.eu.addigy.com/api/v2/')).toBe('https://api.eu.addigy.com/api/v2');
    for (const bad of ['https://*.addigy.com/api/v2', 'https://*/api/v2', 'https://%2A.addigy.com', 'api.addigy.com/api/v2', 'https://1.2.3.4/api/v2', 'https://api.addigy.com/api/v2?x']) {
      expect(normaliseBaseUrl(bad), bad).toBeUndefined();
    }
  });

  it('knows a plain host name', () => {
    expect(isPlainHostName('acme.jamfcloud.com')).toBe(true);
    expect(isPlainHostName('*')).toBe(false);
    expect(isPlainHostName('1.2.3.4')).toBe(false);
    expect(isPlainHostName('localhost')).toBe(false);
  });

  it('says what is wrong in plain words, with an example', () => {
    expect(addressFaultMessage('wildcard', 'https://acme.jamfcloud.com')).toBe(
      'Enter the server’s address, like https://acme.jamfcloud.com. Wildcards (*) are not allowed: Token Relay asks for access to one server only.',
    );
    expect(addressFaultMessage('ip-address', 'https://fleet.example.com')).toMatch(/not an IP address/);
  });
});
