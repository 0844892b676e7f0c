// @vitest-environment node
/**
 * Keeps the extension's own words translatable (issue 24): no words written into the popup's or Options' markup, no
 * message key used that public/_locales/en/messages.json lacks, and no message there that nothing uses.
 */
import { readFileSync, readdirSync } from 'node:fs';
import { join, relative } from 'node:path';
import ts from 'typescript';
import { describe, expect, it } from 'vitest';
import shipped from '../../../public/_locales/en/messages.json';

const ROOT = join(__dirname, '../../..');
const messages: Record<string, { message: string; placeholders?: Record<string, { content: string }> }> = shipped;

function filesUnder(dir: string, pattern: RegExp): string[] {
  return readdirSync(join(ROOT, dir), { withFileTypes: true, recursive: true })
    .filter((entry) => entry.isFile() && pattern.test(entry.name))
    .map((entry) => relative(ROOT, join(entry.parentPath, entry.name)));
}

const parse = (file: string, text = readFileSync(join(ROOT, file), 'utf8')) =>
  ts.createSourceFile(file, text, ts.ScriptTarget.Latest, true, file.endsWith('x') ? ts.ScriptKind.TSX : ts.ScriptKind.TS);

/** Product names, the same in every language. */
const NAMES = new Set(['Addigy', 'Apple', 'Token Relay']);

/**
 * Letters: a word someone reads. Punctuation and separators (" · ", ": ") are not words; nor are a message's key
 * (`{ label: 'stateValid' }`) and a product name.
 */
const hasWords = (text: string) => /\p{L}/u.test(text) && !(text in messages) && !NAMES.has(text.trim());

/** Attributes (and our components' props) whose value a person reads or hears. */
const READ_ATTRIBUTES = new Set(['aria-label', 'aria-description', 'title', 'placeholder', 'alt', 'label', 'hint', 'summary']);
/** Object properties that end up on screen (statuses, problems, step labels). */
const READ_PROPERTIES = new Set(['text', 'message', 'nextStep', 'label', 'word', 'title']);

const isStringLike = (node: ts.Node): node is ts.StringLiteral | ts.NoSubstitutionTemplateLiteral | ts.TemplateExpression =>
  ts.isStringLiteral(node) || ts.isNoSubstitutionTemplateLiteral(node) || ts.isTemplateExpression(node);

const literalText = (node: ts.StringLiteral | ts.NoSubstitutionTemplateLiteral | ts.TemplateExpression) =>
  ts.isTemplateExpression(node) ? [node.head.text, ...node.templateSpans.map((s) => s.literal.text)].join('…') : node.text;

/** String literals with words in an expression, not counting a call's arguments (message keys, class names). */
function wordyLiterals(expression: ts.Node): string[] {
  const found: string[] = [];
  const visit = (node: ts.Node): void => {
    if (ts.isCallExpression(node) || ts.isJsxElement(node) || ts.isJsxSelfClosingElement(node) || ts.isJsxFragment(node)) return;
    // A comparison's operand is a value to compare (`state === 'done'`), not words on screen.
    if (ts.isBinaryExpression(node) && [ts.SyntaxKind.EqualsEqualsEqualsToken, ts.SyntaxKind.ExclamationEqualsEqualsToken].includes(node.operatorToken.kind)) return;
    if (isStringLike(node) && hasWords(literalText(node))) found.push(literalText(node));
    ts.forEachChild(node, visit);
  };
  visit(expression);
  return found;
}

/** Words written into UI code instead of coming from messages: "file:line: text". */
export function wordsInMarkup(file: string, text?: string): string[] {
  const source = parse(file, text);
  const found: string[] = [];
  const report = (node: ts.Node, words: string) => {
    const at = node.getStart() + (ts.isJsxText(node) ? node.text.search(/\S/) : 0);
    found.push(`${file}:${source.getLineAndCharacterOfPosition(at).line + 1}: ${words.trim().replace(/\s+/g, ' ')}`);
  };
  const visit = (node: ts.Node): void => {
    if (ts.isJsxText(node) && hasWords(node.text)) report(node, node.text);
    if (ts.isJsxExpression(node) && node.expression && (ts.isJsxElement(node.parent) || ts.isJsxFragment(node.parent))) {
      for (const words of wordyLiterals(node.expression)) report(node, words);
    }
    if (ts.isJsxAttribute(node) && READ_ATTRIBUTES.has(node.name.getText()) && node.initializer) {
      const value = node.initializer;
      if (ts.isStringLiteral(value) && hasWords(value.text)) report(node, value.text);
      if (ts.isJsxExpression(value) && value.expression) for (const words of wordyLiterals(value.expression)) report(node, words);
    }
    if (ts.isPropertyAssignment(node) && READ_PROPERTIES.has(node.name.getText())) {
      for (const words of wordyLiterals(node.initializer)) report(node, words);
    }
    ts.forEachChild(node, visit);
  };
  visit(source);
  return found;
}

/** Properties of a problem or a result that the popup or Options shows: `{ kind, message, nextStep }`, `{ ok, note }`. */
const PROBLEM_PROPERTIES = new Set(['message', 'nextStep', 'note']);

/**
 * Problems and notes made in lib/ with words of their own instead of a message: "file:line: text". A call's
 * arguments are not looked into (`t('key', name)`, `new Error('…')`), nor is a value without a space (`note:
 * 'opened-apple-page'`, a machine-read word).
 */
export function problemWordsInLib(file: string, text?: string): string[] {
  const source = parse(file, text);
  const found: string[] = [];
  const visit = (node: ts.Node): void => {
    if (ts.isPropertyAssignment(node) && PROBLEM_PROPERTIES.has(node.name.getText())) {
      for (const words of wordyLiterals(node.initializer)) {
        if (!/\s/.test(words.trim())) continue;
        found.push(`${file}:${source.getLineAndCharacterOfPosition(node.getStart()).line + 1}: ${words.trim().replace(/\s+/g, ' ')}`);
      }
    }
    ts.forEachChild(node, visit);
  };
  visit(source);
  return found;
}

const LIB_FILES = filesUnder('lib', /\.tsx?$/);

/** The UI code: the popup's and Options' components and pages, and the Apple-page script's button and hint. */
const UI_FILES = [
  ...filesUnder('components', /\.tsx?$/),
  ...filesUnder('entrypoints/popup', /\.tsx?$/),
  ...filesUnder('entrypoints/options', /\.tsx?$/),
  'entrypoints/abm.content/send-button.ts',
  'entrypoints/abm.content/no-rights-hint.ts',
];
const SOURCE_FILES = [...filesUnder('lib', /\.tsx?$/), ...filesUnder('components', /\.tsx?$/), ...filesUnder('entrypoints', /\.tsx?$/), 'wxt.config.ts'];

const PLURAL_FORM = /_(zero|one|two|few|many|other)$/;
const KEY_FUNCTIONS = new Set(['t', 'plural', 'tParts', 'getMessage']);

/** Message keys named in calls (`t('key')`, `plural('base', n)`), and every string literal of the source. */
function keysInSource(): { called: Map<string, string>; literals: Set<string> } {
  const called = new Map<string, string>();
  const literals = new Set<string>();
  for (const file of SOURCE_FILES) {
    const text = readFileSync(join(ROOT, file), 'utf8');
    // The manifest's name and description (wxt.config.ts): the browser fills them in from the messages.
    for (const [, key] of text.matchAll(/__MSG_(\w+)__/g)) {
      literals.add(key!);
      called.set(key!, `${file} (__MSG_${key}__)`);
    }
    const source = parse(file, text);
    const visit = (node: ts.Node): void => {
      if (ts.isStringLiteral(node) || ts.isNoSubstitutionTemplateLiteral(node)) literals.add(node.text);
      if (ts.isCallExpression(node)) {
        const callee = node.expression;
        const name = ts.isIdentifier(callee) ? callee.text : ts.isPropertyAccessExpression(callee) ? callee.name.text : '';
        // A key cast past the type check (`'x' as MessageKey`, `'x' satisfies MessageKey`) is still checked here.
        let [first] = node.arguments;
        while (first && (ts.isAsExpression(first) || ts.isSatisfiesExpression(first))) first = first.expression;
        if (KEY_FUNCTIONS.has(name) && first && ts.isStringLiteral(first)) {
          called.set(name === 'plural' ? `${first.text}_other` : first.text, `${file}:${source.getLineAndCharacterOfPosition(first.getStart()).line + 1}`);
        }
      }
      ts.forEachChild(node, visit);
    };
    visit(source);
  }
  return { called, literals };
}

describe('the extension’s words stay translatable (issue 24)', () => {
  it('the popup, Options and the Apple-page button write no words of their own: all come from messages', () => {
    expect(UI_FILES.length).toBeGreaterThan(10);
    expect(UI_FILES.flatMap((file) => wordsInMarkup(file))).toEqual([]);
  });

  it('the guard finds a planted word in markup, an attribute, an expression and a status text', () => {
    const planted = `
      export const A = ({ n }: { n: number }) => (
        <p aria-label={\`Close \${n}\`} title="Help">
          Send to {n === 1 ? 'one token' : \`\${n} tokens\`} · {t('ok', 'Addigy')}
        </p>
      );
      setStatus({ tone: 'ok', text: 'Saved.' });
      const fine = <p class="notice warn" id={\`row-\${1}\`}>{' · '}{state === 'done' && t('x')}</p>;
    `;
    expect(wordsInMarkup('planted.tsx', planted)).toEqual([
      'planted.tsx:3: Close …',
      'planted.tsx:3: Help',
      'planted.tsx:4: Send to',
      'planted.tsx:4: one token',
      'planted.tsx:4: … tokens',
      'planted.tsx:7: Saved.',
    ]);
  });

  it('problems, next steps and notes made in lib/ take their words from messages', () => {
    expect(LIB_FILES.length).toBeGreaterThan(100);
    expect(LIB_FILES.flatMap((file) => problemWordsInLib(file))).toEqual([]);
  });

  it('the lib/ guard finds a planted problem, next step and note, and passes keys, machine words and calls', () => {
    const planted = `
      const gone = { kind: 'gone', message: \`\${name} no longer lists it.\`, nextStep: ok ? 'Choose Retry.' : t('x') };
      return { ok: true, note: 'Connected. Addigy lists 3 tokens.' };
      const fine = { kind: 'not found', message: t('problemTryAgain', 'a b'), nextStep: DOWNLOAD_AGAIN, note: 'opened-apple-page' };
    `;
    expect(problemWordsInLib('planted.ts', planted)).toEqual([
      'planted.ts:2: … no longer lists it.',
      'planted.ts:2: Choose Retry.',
      'planted.ts:3: Connected. Addigy lists 3 tokens.',
    ]);
  });

  it('every message key the code uses is in messages.json', () => {
    const { called } = keysInSource();
    expect(called.size).toBeGreaterThan(100);
    const missing = [...called].filter(([key]) => !messages[key]).map(([key, where]) => `${where}: ${key}`);
    expect(missing).toEqual([]);
  });

  it('every message in messages.json is used by the code (plural forms through their base)', () => {
    const { literals } = keysInSource();
    const unused = Object.keys(messages).filter((key) => !literals.has(key) && !literals.has(key.replace(PLURAL_FORM, '')));
    expect(unused).toEqual([]);
  });

  it('every message’s $PLACEHOLDER$ is defined, and a plural form’s $1 is its count', () => {
    const problems: string[] = [];
    for (const [key, { message, placeholders = {} }] of Object.entries(messages)) {
      const names = Object.keys(placeholders);
      for (const [, name] of message.matchAll(/\$(\w+)\$/g)) if (!names.includes(name!.toLowerCase())) problems.push(`${key}: $${name}$`);
      if (PLURAL_FORM.test(key) && placeholders.count && placeholders.count.content !== '$1') problems.push(`${key}: count is not $1`);
      if (!message.trim()) problems.push(`${key}: empty`);
    }
    expect(problems).toEqual([]);
  });
});
