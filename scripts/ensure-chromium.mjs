// Makes sure Debian's Chromium is there for the e2e tests and `npm start`; installs it when we may.
import { existsSync } from 'node:fs';
import { execFileSync } from 'node:child_process';

const path = process.env.CHROMIUM_PATH ?? '/usr/bin/chromium';
if (existsSync(path)) process.exit(0);

const isRoot = typeof process.getuid === 'function' && process.getuid() === 0;
const hasApt = existsSync('/usr/bin/apt-get');
if (process.env.CHROMIUM_PATH || !isRoot || !hasApt) {
  console.error(
    `Chromium was not found at ${path}.\n` +
      (hasApt
        ? 'Install it with:  sudo apt-get update && sudo apt-get install -y chromium\n'
        : 'Install Chromium (or Chrome) and point CHROMIUM_PATH at its executable.\n'),
  );
  process.exit(1);
}
console.log('Chromium is missing: installing Debian’s chromium package…');
const env = { ...process.env, DEBIAN_FRONTEND: 'noninteractive' };
execFileSync('apt-get', ['update', '-qq'], { stdio: 'inherit', env });
execFileSync('apt-get', ['install', '-y', '-qq', '--no-install-recommends', 'chromium'], { stdio: 'inherit', env });
if (!existsSync(path)) {
  console.error(`apt-get finished but ${path} is still missing.`);
  process.exit(1);
}
