// @ts-check
import { execFile } from 'node:child_process';
import { mkdtemp, readFile, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { promisify } from 'node:util';

/** Every hostname the sandbox answers for; Chromium maps them all to the one port. */
export const SANDBOX_HOSTS = /** @type {const} */ ([
  'business.apple.com',
  'school.apple.com',
  'api.addigy.com',
  'vpp.itunes.apple.com',
  'app.addigy.com',
  'login.addigy.com',
  // Other MDMs (issue 13): Jamf Pro in the cloud, a self-hosted Fleet, Microsoft's sign-in and Graph for Intune.
  'acme.jamfcloud.com',
  'fleet.acme-corp.net',
  'login.microsoftonline.com',
  'graph.microsoft.com',
]);

const OPENSSL = '/usr/bin/openssl';

/** @type {Promise<{ key: string, cert: string }> | undefined} */
let cached;

/**
 * A self-signed certificate for the sandbox hosts, made once per process:
 * generating an RSA key takes long enough to matter when many tests start a sandbox.
 * @returns {Promise<{ key: string, cert: string }>}
 */
export function sandboxCertificate() {
  cached ??= generate().catch((error) => {
    cached = undefined;
    throw error;
  });
  return cached;
}

async function generate() {
  const dir = await mkdtemp(join(tmpdir(), 'token-relay-sandbox-'));
  const keyPath = join(dir, 'key.pem');
  const certPath = join(dir, 'cert.pem');
  const altNames = SANDBOX_HOSTS.map((host) => `DNS:${host}`).join(',');
  try {
    await promisify(execFile)(OPENSSL, [
      'req', '-x509', '-newkey', 'rsa:2048', '-nodes', '-days', '2',
      '-subj', '/CN=sandbox',
      '-addext', `subjectAltName=${altNames}`,
      '-keyout', keyPath, '-out', certPath,
    ]);
    return { key: await readFile(keyPath, 'utf8'), cert: await readFile(certPath, 'utf8') };
  } finally {
    // The PEMs live in memory from here on; a private key should not linger in /tmp.
    await rm(dir, { recursive: true, force: true });
  }
}
