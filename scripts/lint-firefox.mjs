// Runs `web-ext lint` (Mozilla's addons-linter, as AMO runs it) on the production Firefox build.
// Fails on any error and on any warning the README does not explain (see "Firefox lint" there).
import { execFileSync } from 'node:child_process';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';

const dir = '.output/firefox-mv3';
let out;
try {
  out = execFileSync('npx', ['--no-install', 'web-ext', 'lint', '--source-dir', dir, '--output', 'json', '--no-config-discovery'], {
    encoding: 'utf8',
    maxBuffer: 16 * 1024 * 1024,
  });
} catch (error) {
  // web-ext exits non-zero when there are errors; the JSON is still on stdout.
  out = /** @type {{ stdout?: string }} */ (error).stdout ?? '';
}
const report = JSON.parse(out.slice(out.indexOf('{')));

/** Warnings with a reason in the README; each is matched narrowly so a new one of the same code still fails. */
const explained = [
  {
    code: 'UNSAFE_VAR_ASSIGNMENT',
    why: "Preact's renderer sets innerHTML only for dangerouslySetInnerHTML, which Token Relay never uses",
    /** @param {{ file?: string, column?: number }} warning */
    matches(warning) {
      if (!warning.file) return false;
      const text = readFileSync(join(dir, warning.file), 'utf8');
      const at = (warning.column ?? 0) - 1;
      return text.slice(Math.max(0, at - 400), at + 50).includes('dangerouslySetInnerHTML');
    },
  },
];

const line = (/** @type {any} */ m) => `  ${m.code} ${m.file ?? ''}${m.line ? `:${m.line}` : ''}: ${m.message}`;
const unexplained = report.warnings.filter((/** @type {any} */ w) => !explained.some((e) => e.code === w.code && e.matches(w)));
for (const w of report.warnings) {
  const reason = explained.find((e) => e.code === w.code && e.matches(w));
  console.log(`${line(w)}${reason ? `  (explained: ${reason.why})` : '  (NOT explained)'}`);
}
for (const e of report.errors) console.log(line(e));
console.log(`web-ext lint: ${report.errors.length} errors, ${report.warnings.length} warnings (${unexplained.length} unexplained), ${report.notices.length} notices`);
process.exit(report.errors.length || unexplained.length ? 1 : 0);
