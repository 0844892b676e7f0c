import { readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';

/** Every source file the extension is built from. */
function sources(dir: string): string[] {
  return readdirSync(dir, { withFileTypes: true }).flatMap((entry) =>
    entry.isDirectory() ? sources(join(dir, entry.name)) : /\.(ts|tsx|js)$/.test(entry.name) ? [join(dir, entry.name)] : [],
  );
}

// `web-ext lint` warns UNSAFE_VAR_ASSIGNMENT on Preact's renderer, which sets innerHTML only for
// dangerouslySetInnerHTML. The README says Token Relay never uses it; this keeps that true.
describe('no HTML from strings', () => {
  it('no component, entrypoint, lib module or plain script in public/ uses dangerouslySetInnerHTML, innerHTML, outerHTML or insertAdjacentHTML', () => {
    const offenders = ['components', 'entrypoints', 'lib', 'public']
      .flatMap(sources)
      .filter((file) => /dangerouslySetInnerHTML|\.innerHTML\b|\.outerHTML\s*=|insertAdjacentHTML/.test(readFileSync(file, 'utf8')));
    expect(offenders).toEqual([]);
  });
});
