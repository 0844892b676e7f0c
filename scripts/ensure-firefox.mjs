// Makes sure Debian's Firefox ESR is there for the Firefox e2e tests; installs it when we may.
import { existsSync } from 'node:fs';
import { execFileSync } from 'node:child_process';

const path = process.env.FIREFOX_PATH ?? '/usr/bin/firefox-esr';
if (existsSync(path)) process.exit(0);

const isRoot = typeof process.getuid === 'function' && process.getuid() === 0;
const hasApt = existsSync('/usr/bin/apt-get');
if (process.env.FIREFOX_PATH || !isRoot || !hasApt) {
  console.error(
    `Firefox was not found at ${path}.\n` +
      (hasApt
        ? 'Install it with:  sudo apt-get update && sudo apt-get install -y firefox-esr\n'
        : 'Install Firefox (140 or newer) and point FIREFOX_PATH at its executable.\n'),
  );
  process.exit(1);
}
console.log('Firefox is missing: installing Debian’s firefox-esr package…');
const env = { ...process.env, DEBIAN_FRONTEND: 'noninteractive' };
execFileSync('apt-get', ['update', '-qq'], { stdio: 'inherit', env });
execFileSync('apt-get', ['install', '-y', '-qq', '--no-install-recommends', 'firefox-esr'], { stdio: 'inherit', env });
if (!existsSync(path)) {
  console.error(`apt-get finished but ${path} is still missing.`);
  process.exit(1);
}
