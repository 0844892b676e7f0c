import { keepVocabulary, mapPathSegments, outlinePage } from '../page-report/page-outline';
import {
  ADDIGY_CONSOLE_ORIGIN,
  CONSOLE_STEPS,
  type ConsoleConfirmation,
  type ConsoleJob,
  type ConsolePath,
  type ConsoleStep,
} from './console-messages';
import {
  awaitAdminSave,
  beforeRenewSave,
  handOverFile,
  isEnabled,
  progress,
  redactErrorText,
  report,
  reportMissing,
  waitFor,
  watchOutcome,
  type ConsoleJobEnd,
  type JobContext,
} from './driver-core';
import { createGuideOverlay, type GuideOverlay } from './guide-overlay';
import {
  CONSOLE_KNOWN_LABELS,
  CONTROL_SELECTOR,
  GENERIC_DETAIL_LABELS,
  MAX_CLIMB,
  PRESSABLE_SELECTOR,
  ROW_SELECTOR,
  UPLOAD_PRESS_LABELS,
  accessibleName,
  findAnswerBoxes,
  findConfirmationWindow,
  findControls,
  findUploadControls,
  formPostsElsewhere,
  isOnScreen,
  isShown,
  normaliseLabel,
  readLabelledValue,
  readableTextOf,
  snapshotPage,
  visibleText,
  type PageSnapshot,
  type UploadControl,
} from './page-knowledge';

/**
 * Guided mode: the page did not match the model (or the remembered path failed), so the admin does the next thing
 * and Token Relay watches this tab for a file upload to appear after the admin's own click, then hands over the file,
 * presses the upload button it recognises and reports Addigy's answer in whatever markup. Also the remembered path:
 * the controls an admin pressed before, pressed again by name. Knows no Addigy words beyond page-knowledge's generic
 * recognisers. Every listener and observer lives only as long as the job.
 */

/** How long after the admin's click an upload control may appear and still be taken as that click's. */
export const DEFAULT_CLICK_WINDOW_MS = 10_000;
/** The bound of each wait for the next control of a remembered path. */
export const DEFAULT_PATH_STEP_MS = 8_000;
// The admin takes the time they need; the background bounds the renewal, and abort ends the wait.
const UNBOUNDED_MS = 0x7fffffff;

export const GUIDE_PRESS_UPLOAD = 'Press Addigy’s button that uploads the file, then confirm in Addigy’s window.';
export const GUIDE_CONFIRM = 'Check the details in Addigy’s window and confirm there.';
const HANDING_OVER = 'Token Relay is giving Addigy the file.';

export function guideOpenRenew(location: string): string {
  return `Open the policy that holds ${location}, then its Apple Apps settings, and choose Renew beside ${location}. Token Relay will give Addigy the file.`.slice(0, 300);
}

export interface GuidedOptions {
  /** How long after the admin's click an upload may appear (DEFAULT_CLICK_WINDOW_MS). */
  clickWindowMs?: number;
  /** Bound of each step of a remembered path (DEFAULT_PATH_STEP_MS). */
  pathStepMs?: number;
  /** Loads a remembered route (location.assign). */
  navigate?: (url: string) => void;
}

export interface GuidedRun extends JobContext {
  job: ConsoleJob;
  guide: Guide;
  /** On a remembered path: nothing to guide unless something goes wrong, so confirming is left to the popup. */
  replaying: boolean;
  clickWindowMs: number;
  pathStepMs: number;
  navigate: (url: string) => void;
}

export function guidedRunOf(ctx: JobContext, job: ConsoleJob, options: GuidedOptions): GuidedRun {
  return {
    ...ctx,
    job,
    guide: guideFor(ctx),
    replaying: false,
    clickWindowMs: options.clickWindowMs ?? DEFAULT_CLICK_WINDOW_MS,
    pathStepMs: options.pathStepMs ?? DEFAULT_PATH_STEP_MS,
    navigate: options.navigate ?? ((url) => ctx.doc.defaultView?.location.assign(url)),
  };
}

// ── The guide ─────────────────────────────────────────────────────────────────

export interface Guide {
  /** Shows the words in the tab and reports them (the popup says the same); the first report carries the outline. */
  say(step: ConsoleStep, words: string): void;
  /** Words in the tab only: nothing for the admin to do. */
  note(words: string): void;
  /** Words in the tab only, shown even without a guide yet: the popup says them from another report. */
  show(step: ConsoleStep, words: string): void;
  end(): void;
}

/** Which part of the renewal the guide is at, in the admin's words. */
const STEP_TITLES: Record<ConsoleStep, string> = {
  'opening-apple-apps': 'finding the token',
  'finding-token': 'finding the token',
  'opening-renew': 'opening Renew',
  'handing-over-file': 'uploading the file',
  'waiting-for-confirmation': 'confirming',
  saving: 'saving',
};

function guideFor(ctx: JobContext): Guide {
  let overlay: GuideOverlay | undefined;
  let outlined = false;
  let last = '';
  const show = (words: string, step?: ConsoleStep): void => {
    if (ctx.signal.aborted) return;
    overlay ??= createGuideOverlay(ctx.doc);
    overlay.show(words, step && STEP_TITLES[step]);
  };
  const guide: Guide = {
    say(step, words) {
      if (ctx.signal.aborted) return;
      show(words, step);
      if (`${step} ${words}` === last) return;
      last = `${step} ${words}`;
      report(ctx, { kind: 'guide', step, say: words, outline: outlined ? undefined : outlinePage(ctx.doc, CONSOLE_KNOWN_LABELS) });
      outlined = true;
    },
    note(words) {
      if (overlay) show(words);
    },
    show(step, words) {
      show(words, step);
    },
    end() {
      overlay?.remove();
      overlay = undefined;
    },
  };
  // Leave the tab as it was the moment the job stops (a new job, the page going away).
  ctx.signal.addEventListener('abort', () => guide.end(), { once: true });
  return guide;
}

// ── Guided mode ───────────────────────────────────────────────────────────────

/**
 * Only the admin's own clicks open the door. A page script cannot make an event with `isTrusted` true: the browser
 * sets it, and in Chromium it is an unforgeable own property. This is the one place Token Relay reads it for guided
 * mode (tests give an event that property, as the browser does for a real click).
 */
export function isTrustedClick(event: Event): boolean {
  return event.isTrusted === true;
}

interface TrustedClick {
  at: number;
  /** The page just before the page's own handlers saw the click (capture phase on the document). */
  before: PageSnapshot;
}

interface ClickWatch {
  last: TrustedClick | null;
  controls: string[];
  step: ConsoleStep;
  stop(): void;
}

function watchAdminClicks(run: GuidedRun, step: ConsoleStep): ClickWatch {
  const { doc } = run;
  const watch: ClickWatch = {
    last: null,
    step,
    // The admin's clicks on earlier pages of this renewal in this tab (a link that loaded a new page).
    controls: guidedEarlier(doc, run.job.renewalId)?.controls ?? [],
    stop: () => doc.removeEventListener('click', onClick, true),
  };
  function onClick(event: Event): void {
    if (!isTrustedClick(event)) return;
    watch.last = { at: Date.now(), before: snapshotPage(doc) };
    const target = event.target as Element | null;
    const control = typeof target?.closest === 'function' ? target.closest(PRESSABLE_SELECTOR) : null;
    const name = control ? pathNameOf(accessibleName(control), run.job.locationName) : null;
    if (name && watch.controls.at(-1) !== name) watch.controls.push(name);
    if (watch.controls.length > MAX_PATH_CONTROLS) watch.controls.shift();
    rememberGuided(doc, { renewalId: run.job.renewalId, step: watch.step, controls: watch.controls, at: Date.now() });
  }
  doc.addEventListener('click', onClick, true);
  run.signal.addEventListener('abort', watch.stop, { once: true });
  return watch;
}

/** The renewal's own tab only: its top document, on Addigy's console. */
export function isConsoleTopDocument(doc: Document): boolean {
  const view = doc.defaultView;
  return !!view && view.top === view && doc.location?.origin === ADDIGY_CONSOLE_ORIGIN;
}

/** An upload control that appeared after `since` (a trusted click, or Token Relay's own press on a remembered path). */
function uploadSince(doc: Document, since: PageSnapshot): UploadControl | null {
  if (!isConsoleTopDocument(doc)) return null;
  for (const control of findUploadControls(doc)) {
    if (since.has(control.element)) continue;
    const fileInput = control.fileInput && !since.has(control.fileInput) ? control.fileInput : null;
    if (!fileInput && !control.dropZone) continue;
    return { ...control, fileInput };
  }
  return null;
}

/**
 * The admin does the step; Token Relay waits, unbounded, for an upload control that appeared within the click window
 * after the admin's latest trusted click, then hands the file over and follows Addigy's answer.
 */
export async function runGuided(run: GuidedRun, step: ConsoleStep): Promise<ConsoleJobEnd> {
  const clicks = watchAdminClicks(run, step);
  rememberGuided(run.doc, { renewalId: run.job.renewalId, step, controls: clicks.controls, at: 0 });
  try {
    for (;;) {
      run.guide.say(step, guideOpenRenew(run.job.locationName.trim()));
      const upload = await waitFor({ ...run, timeoutMs: UNBOUNDED_MS }, () => {
        const click = clicks.last;
        if (!click || Date.now() - click.at > run.clickWindowMs) return null;
        return uploadSince(run.doc, click.before);
      });
      if (run.signal.aborted || !upload) return 'aborted';
      const path: ConsolePath = { route: routeOf(run.doc.location.pathname, run.job.policyId), controls: [...clicks.controls] };
      const end = await handOverAndFollow(run, upload, path, step);
      if (end !== 'lost') return end;
      // The control went away before the file came: wait for the next one.
      clicks.last = null;
    }
  } finally {
    clicks.stop();
  }
}

/** Reports the way, gets the file, gives it to the upload control, and follows Addigy's answer. */
async function handOverAndFollow(run: GuidedRun, upload: UploadControl, path: ConsolePath, step: ConsoleStep): Promise<ConsoleJobEnd | 'lost'> {
  const { doc } = run;
  progress(run, 'handing-over-file');
  run.guide.note(HANDING_OVER);
  const file = await run.io.requestFile();
  if (run.signal.aborted) return 'aborted';
  if (!file) return reportMissing(run, 'handing-over-file', 'the token file');
  // After the file's answer, not beside its request: the background stores both in the renewal's record.
  report(run, { kind: 'path', path });
  // The page may have changed while the file was on its way: the same control, still here, still posting nowhere else.
  const target = upload.fileInput ?? upload.dropZone;
  if (!target?.isConnected || !isConsoleTopDocument(doc) || formPostsElsewhere(target)) return 'lost';
  const answersBefore = new Set(answerTexts(doc, scopeOf(upload.element), run.job));
  const beforeHandOver = snapshotPage(doc);
  if (!handOverFile(doc, upload, file)) return 'lost';
  return followHandOver(run, upload.element, beforeHandOver, answersBefore, { press: true, step });
}

/**
 * After the file was handed over (by guided mode, a remembered path, or the model whose next step was not found):
 * presses a recognised upload button in the upload's own form or window (once), reports each new text as Addigy's
 * answer, reports the modelled confirmation window or the details Addigy's own window shows, and guides the admin
 * where Token Relay cannot go on. Runs until aborted, or until the admin's Save in a modelled confirmation window.
 */
export async function followHandOver(
  run: GuidedRun,
  start: Element,
  beforeHandOver: PageSnapshot,
  answersBefore: ReadonlySet<string>,
  options: { press: boolean; step: ConsoleStep; beforePress?: PageSnapshot; confirmNow?: boolean },
): Promise<ConsoleJobEnd> {
  const { doc } = run;
  const scope = scopeOf(start);
  const reported = new Set(answersBefore);
  // Only this hand-over's block may be pressed from the popup.
  guidedConfirmation.delete(doc);
  let pressed = !options.press;
  let beforePress = options.beforePress ?? beforeHandOver;
  if (options.beforePress) beforeRenewSave.set(doc, options.beforePress);
  let askedToPress = false;
  let confirmAsked = false;
  let refusalSeen = false;
  let deadline = Date.now() + (options.confirmNow ? 0 : run.timeoutMs);

  const check = (): { confirmation: NonNullable<ReturnType<typeof findConfirmationWindow>> } | null => {
    if (findAnswerBoxes(doc).some((box) => !beforeHandOver.has(box))) refusalSeen = true;
    const confirmation = findConfirmationWindow(doc, beforePress);
    if (confirmation) return { confirmation };
    if (!pressed) {
      const button = uploadButtonNear(start);
      if (button && isEnabled(button)) {
        pressed = true;
        beforePress = snapshotPage(doc);
        beforeRenewSave.set(doc, beforePress);
        deadline = Date.now() + run.timeoutMs;
        button.click();
      }
    }
    if (!confirmAsked) {
      const read = readGuidedDetails(scope, beforeHandOver, run.job.locationName);
      if (read) askToConfirm(read.details, read.block);
    } else {
      // The admin confirmed there (the block went away): nothing left to ask; Addigy's API tells the outcome.
      const block = guidedConfirmation.get(doc)?.block;
      if (block && (!block.isConnected || !isShown(block))) run.guide.end();
    }
    // The block with the details is Addigy's check, not its answer: its words are not reported as one.
    for (const text of answerTexts(doc, scope, run.job, confirmAsked ? guidedConfirmation.get(doc)?.block : undefined)) {
      if (reported.has(text)) continue;
      reported.add(text);
      report(run, { kind: 'answer', text: redactErrorText(text) });
    }
    return null;
  };
  const askToConfirm = (details: ConsoleConfirmation, block: Element | null): void => {
    confirmAsked = true;
    // The popup's Renew presses the confirm button Token Relay recognises in that block, if it finds exactly one.
    if (block) guidedConfirmation.set(doc, { block, before: beforeHandOver });
    report(run, { kind: 'confirm-in-page', details });
    // In the tab only: the popup words confirm-in-page itself, and a second report at once would race this one.
    if (!run.replaying) run.guide.show('waiting-for-confirmation', GUIDE_CONFIRM);
  };

  for (;;) {
    const waitMs = askedToPress || confirmAsked || refusalSeen ? UNBOUNDED_MS : Math.max(1, deadline - Date.now());
    const seen = await waitFor({ ...run, timeoutMs: waitMs }, check);
    if (run.signal.aborted) return 'aborted';
    if (seen) {
      report(run, { kind: 'confirmation', details: seen.confirmation.details });
      run.guide.end();
      const adminSave = await awaitAdminSave(run, beforePress);
      if (!adminSave) return 'aborted';
      progress(run, 'saving');
      return watchOutcome(run, adminSave, beforePress, 'admin');
    }
    if (!pressed) {
      askedToPress = true;
      run.guide.say(options.step === 'waiting-for-confirmation' ? 'handing-over-file' : options.step, GUIDE_PRESS_UPLOAD);
    } else if (!confirmAsked && !refusalSeen) {
      askToConfirm({ idNumber: '', name: '', appleId: '', organization: '' }, null);
    }
  }
}

// ── Confirming in Addigy's own window, from the popup ─────────────────────────

/** The block with the details to confirm that guided mode reported (confirm-in-page), per document. */
export const guidedConfirmation = new WeakMap<Document, { block: Element; before: PageSnapshot }>();

const CONFIRM_WORDS: ReadonlySet<string> = new Set([...UPLOAD_PRESS_LABELS, 'confirm', 'renew', 'replace', 'ok', 'yes', 'continue', 'submit', 'apply', 'done']);
const DECLINE_WORDS = /^(cancel|close|back|no|dismiss|discard|edit|change|remove|delete)\b/;

/**
 * The one button that confirms in the block: new since the hand-over, shown, enabled, not posting elsewhere, not a
 * Cancel; by a confirming word, or the only such button. Null when there is no single one (the admin confirms there).
 */
export function guidedConfirmControl(doc: Document): HTMLElement | null {
  const entry = guidedConfirmation.get(doc);
  if (!entry?.block.isConnected) return null;
  const buttons = [...entry.block.querySelectorAll<HTMLElement>(PRESSABLE_SELECTOR)].filter(
    (control) =>
      !entry.before.has(control) &&
      isEnabled(control) &&
      !formPostsElsewhere(control) &&
      !DECLINE_WORDS.test(normaliseLabel(accessibleName(control))) &&
      control.querySelector(PRESSABLE_SELECTOR) === null,
  );
  const confirming = buttons.filter((control) => CONFIRM_WORDS.has(normaliseLabel(accessibleName(control))));
  if (confirming.length === 1) return confirming[0]!;
  return buttons.length === 1 ? buttons[0]! : null;
}

// ── Addigy's answer in any markup ─────────────────────────────────────────────

/** Where Addigy's answer to an upload shows: the upload's surroundings, up to MAX_CLIMB levels. */
function scopeOf(start: Element): Element {
  let node: Element = start;
  for (let climb = 0; climb < MAX_CLIMB && node.parentElement && node !== node.ownerDocument.body; climb++) node = node.parentElement;
  return node;
}

// Controls, fields and labelled values (read as details, not as an answer) are not Addigy's answer.
const NOT_ANSWER_SELECTOR = `${CONTROL_SELECTOR},label,input,select,textarea,script,style,template,dl,table,[aria-hidden="true"]`;

/** Texts that are not controls: in the upload's surroundings, and every error box on the page (any markup). */
function answerTexts(doc: Document, scope: Element, job: ConsoleJob, skip?: Element): string[] {
  const texts = new Set<string>();
  for (const box of findAnswerBoxes(doc)) texts.add(visibleText(box));
  const walker = doc.createTreeWalker(scope, 4);
  for (let node = walker.nextNode(); node; node = walker.nextNode()) {
    const parent = node.parentElement;
    if (!parent || !(node.nodeValue ?? '').trim() || parent.closest(NOT_ANSWER_SELECTOR) || skip?.contains(parent) || !isShown(parent)) continue;
    const text = readableTextOf(parent);
    if (text && text.length <= 300) texts.add(text);
  }
  // The page naming the chosen file is no answer.
  return [...texts].filter((text) => text && !text.includes(job.fileName));
}

/** A recognised upload or save button in the upload's own form or window, never one that posts elsewhere. */
function uploadButtonNear(start: Element): HTMLElement | null {
  const doc = start.ownerDocument;
  // From the upload control (or the window) itself up, never the whole page.
  for (let node: Element | null = start, climb = 0; node && node !== doc.body && climb < MAX_CLIMB; climb++, node = node.parentElement) {
    const buttons = findControls(node, UPLOAD_PRESS_LABELS).filter(
      (control) => UPLOAD_PRESS_LABELS.has(normaliseLabel(accessibleName(control))) && isOnScreen(control) && !formPostsElsewhere(control),
    );
    if (buttons.length > 0) return buttons[0]!;
    // Not past the upload's own form or window.
    if (node.matches('form,dialog,[role="dialog"],[role="alertdialog"],[aria-modal="true"]')) break;
  }
  return null;
}

// ── Details to confirm, without the model ─────────────────────────────────────

const UID_LIKE = /^(?=.*\d)[A-Za-z0-9][A-Za-z0-9._-]{3,63}$/;
const SECRET_LIKE = /[A-Za-z0-9+/_-]{40,}/;

/**
 * The labelled values new since the hand-over that match the job: the location's name, or a uId-like identifier.
 * Null while none shows. Organisation and Apple ID go with them; any value that could be a secret never does.
 */
export function readGuidedDetails(scope: Element, before: PageSnapshot, location: string): { details: ConsoleConfirmation; block: Element } | null {
  const roots = [...scope.querySelectorAll('*')]
    .filter((element) => !before.has(element) && (!element.parentElement || before.has(element.parentElement)) && isShown(element))
    .slice(0, 20);
  for (const root of roots) {
    const read = (key: keyof ConsoleConfirmation): string => {
      const value = readLabelledValue(root, GENERIC_DETAIL_LABELS[key]).slice(0, 120);
      return SECRET_LIKE.test(value) ? '' : value;
    };
    const name = normaliseLabel(read('name')) === normaliseLabel(location) ? location : '';
    const idNumber = UID_LIKE.test(read('idNumber')) ? read('idNumber') : '';
    if (!name && !idNumber) continue;
    return { details: { idNumber, name, appleId: read('appleId'), organization: read('organization') }, block: root };
  }
  return null;
}

// ── The way the admin took ────────────────────────────────────────────────────

const MAX_PATH_CONTROLS = 12;

/** Words any console's chrome uses (beyond the model's labels): kept in a path; anything else is a value, dropped. */
const PATH_WORDS = [
  'save', 'cancel', 'renew', 'renewal', 'upload', 'download', 'replace', 'update', 'open', 'manage', 'edit', 'view',
  'show', 'more', 'new', 'add', 'settings', 'setting', 'policy', 'policies', 'configuration', 'configurations', 'config',
  'configs', 'profile', 'profiles', 'apple', 'apps', 'app', 'store', 'books', 'and', 'or', '&', 'the', 'a', 'an', 'to',
  'of', 'for', 'in', 'on', 'your', 'token', 'tokens', 'vpp', 'licence', 'licences', 'license', 'licenses', 'volume',
  'purchase', 'purchasing', 'location', 'locations', 'integrations', 'integration', 'org', 'orgs', 'organization',
  'organisation', 'organizations', 'organisations', 'pane', 'tab', 'general', 'options', 'option', 'details', 'file',
  'certificate', 'certificates', 'mdm', 'devices', 'device', 'content', 'business', 'school', 'account', 'accounts',
  'services', 'service', 'next', 'continue', 'ok', 'done', 'yes', 'confirm', 'scan', 'now', 'actions', 'action', 'menu',
];
const PATH_VOCABULARY: ReadonlySet<string> = new Set([
  ...PATH_WORDS,
  ...CONSOLE_KNOWN_LABELS.flatMap((label) => label.toLowerCase().split(/\s+/)),
]);

/** A control's accessible name as a path keeps it: the job's location as `{location}`, only UI words; else null. */
export function pathNameOf(name: string, location: string): string | null {
  let text = name.replace(/\s+/g, ' ').trim();
  if (!text || text.length > 80) return null;
  const wanted = location.trim();
  if (wanted) text = text.split(new RegExp(escapeRegExp(wanted), 'gi')).join('{location}');
  const words = text.replace(/\{location\}/g, ' ').trim();
  if (words && keepVocabulary(words, PATH_VOCABULARY).includes('…')) return null;
  return text;
}

/** The pathname's shape: the policy id as `{policy}`, UI words kept, any other segment `*`. No query, no values. */
export function routeOf(pathname: string, policyId?: string): string {
  return mapPathSegments(pathname, (decoded) => {
    if (policyId && decoded === policyId) return '{policy}';
    return !/\d/.test(decoded) && PATH_VOCABULARY.has(decoded.toLowerCase()) ? decoded.toLowerCase() : '*';
  }).slice(0, 300);
}

export function routeMatches(route: string, pathname: string, policyId?: string): boolean {
  const want = route.split('/');
  const have = routeOf(pathname, policyId).split('/');
  return want.length === have.length && want.every((segment, index) => segment === '*' || segment === have[index]);
}

// ── From page to page ─────────────────────────────────────────────────────────
//
// A link the admin follows while guided loads a new page, and a new copy of this script, which gets the job again.
// The tab's session storage carries the guide on: the renewal's id (opaque), its step, and the names pressed so far
// (UI words only, checked again when read). A page script could change them: the worst it gains is guided mode
// sooner, or a path that fails and is guided again; the file's rules (trusted click, after it, here) do not move.

const GUIDED_KEY = 'token-relay:guided';

interface GuidedEarlier {
  renewalId: string;
  step: ConsoleStep;
  controls: string[];
  /** The admin's latest click: only a page loaded right after it goes on guiding (not a Retry's reload later). */
  at: number;
}

export function guidedEarlier(doc: Document, renewalId: string): GuidedEarlier | null {
  try {
    const stored = JSON.parse(doc.defaultView?.sessionStorage.getItem(GUIDED_KEY) ?? 'null') as Partial<GuidedEarlier> | null;
    if (stored?.renewalId !== renewalId || !(CONSOLE_STEPS as readonly unknown[]).includes(stored.step)) return null;
    const age = Date.now() - Number(stored.at);
    if (!(age >= 0 && age < DEFAULT_CLICK_WINDOW_MS)) return null;
    const controls = Array.isArray(stored.controls) ? stored.controls : [];
    return {
      renewalId,
      at: Number(stored.at),
      step: stored.step!,
      controls: controls.filter((name): name is string => typeof name === 'string' && pathNameOf(name, '') === name).slice(-MAX_PATH_CONTROLS),
    };
  } catch {
    return null;
  }
}

/** Forgets the guide's state: the job ended here, not by the admin's link to another page. */
export function forgetGuided(doc: Document): void {
  try {
    doc.defaultView?.sessionStorage.removeItem(GUIDED_KEY);
  } catch {
    // Nothing kept.
  }
}

function rememberGuided(doc: Document, earlier: GuidedEarlier): void {
  try {
    doc.defaultView?.sessionStorage.setItem(GUIDED_KEY, JSON.stringify(earlier));
  } catch {
    // Without storage a new page runs the model first, then guides again.
  }
}

// ── The remembered way, tried first ───────────────────────────────────────────

// One navigation per renewal and tab: a console that sends the tab elsewhere must not loop it.
const NAVIGATED_KEY = 'token-relay:path-navigated';

/**
 * Tries the way an admin took before: to its route (by a link on the page to it, or by building it when it holds no
 * other id), then presses each remembered control by name (bounded), until an upload control appears after one of
 * those presses, which gets the file as in guided mode. 'failed' when any step does not come.
 */
export async function followKnownPath(run: GuidedRun): Promise<ConsoleJobEnd | 'failed'> {
  const { doc, job } = run;
  const path = job.knownPath;
  if (!path || !isConsoleTopDocument(doc)) return 'failed';
  run.replaying = true;
  const here = doc.location.pathname;
  const url = routeMatches(path.route, here, job.policyId) ? null : urlOfRoute(doc, path.route, job.policyId);
  // Without a way to the route, the remembered controls may lead there from here.
  if (url && !alreadyNavigated(doc, job.renewalId)) {
    markNavigated(doc, job.renewalId);
    run.navigate(url);
    // The page goes away (and aborts this job); the new page gets the job again.
    await waitFor({ ...run, timeoutMs: run.pathStepMs }, () => null);
    return run.signal.aborted ? 'aborted' : 'failed';
  }
  let since: PageSnapshot | null = null;
  let next = 0;
  for (;;) {
    const seen = await waitFor({ ...run, timeoutMs: run.pathStepMs }, () => {
      const upload = since ? uploadSince(doc, since) : null;
      if (upload) return { upload };
      // A control further on may be here already (a step done by a page load): the first one found counts.
      for (let index = next; index < path.controls.length; index++) {
        const control = findPathControl(doc, path.controls[index]!, job.locationName);
        if (control) return { control, index };
      }
      return null;
    });
    if (run.signal.aborted) return 'aborted';
    if (!seen) {
      run.replaying = false;
      return 'failed';
    }
    if ('upload' in seen) {
      const end = await handOverAndFollow(run, seen.upload!, path, 'opening-renew');
      if (end !== 'lost') return end;
      run.replaying = false;
      return 'failed';
    }
    // A console that reloads the tab on each press must not loop it: a bounded number of presses per renewal.
    if (!spendPress(doc, job.renewalId, path.controls.length + 2)) {
      run.replaying = false;
      return 'failed';
    }
    since = snapshotPage(doc);
    next = seen.index + 1;
    seen.control.click();
  }
}

const PRESSES_KEY = 'token-relay:path-presses';

function spendPress(doc: Document, renewalId: string, budget: number): boolean {
  try {
    const storage = doc.defaultView!.sessionStorage;
    const [id, count] = (storage.getItem(PRESSES_KEY) ?? '').split(' ');
    const spent = id === renewalId ? Number(count) || 0 : 0;
    if (spent >= budget) return false;
    storage.setItem(PRESSES_KEY, `${renewalId} ${spent + 1}`);
    return true;
  } catch {
    return false;
  }
}

/** A link to the page the tab is on: pressing it would only load this page again. */
function linksHere(element: Element): boolean {
  const href = element.getAttribute('href');
  if (element.tagName !== 'A' || !href || href.startsWith('#')) return false;
  try {
    const there = new URL(href, element.ownerDocument.baseURI);
    const here = new URL(element.ownerDocument.location.href);
    return there.origin === here.origin && there.pathname === here.pathname && there.search === here.search;
  } catch {
    return false;
  }
}

function urlOfRoute(doc: Document, route: string, policyId: string | undefined): string | null {
  // A link on the page to a path of that shape (it knows the ids the route does not keep).
  for (const link of doc.querySelectorAll<HTMLAnchorElement>('a[href]')) {
    let url: URL;
    try {
      url = new URL(link.href, doc.baseURI);
    } catch {
      continue;
    }
    if (url.origin === ADDIGY_CONSOLE_ORIGIN && routeMatches(route, url.pathname, policyId)) return url.href;
  }
  if (route.split('/').includes('*') || (route.includes('{policy}') && !policyId)) return null;
  return `${ADDIGY_CONSOLE_ORIGIN}${route.replace('{policy}', encodeURIComponent(policyId ?? ''))}`;
}

function alreadyNavigated(doc: Document, renewalId: string): boolean {
  try {
    return doc.defaultView?.sessionStorage.getItem(NAVIGATED_KEY) === renewalId;
  } catch {
    return true;
  }
}

function markNavigated(doc: Document, renewalId: string): void {
  try {
    doc.defaultView?.sessionStorage.setItem(NAVIGATED_KEY, renewalId);
  } catch {
    // Without storage the page is not navigated twice anyway: alreadyNavigated says true.
  }
}

/** The shown control named `name` (`{location}` filled in); for a row action, the one in the location's row or card. */
function findPathControl(doc: Document, name: string, location: string): HTMLElement | null {
  const wanted = normaliseLabel(name.split('{location}').join(location));
  const candidates = [...doc.querySelectorAll<HTMLElement>(PRESSABLE_SELECTOR)].filter(
    (element) =>
      normaliseLabel(accessibleName(element)) === wanted &&
      isShown(element) &&
      !linksHere(element) &&
      !formPostsElsewhere(element) &&
      // The innermost of nested pressables with the same name.
      ![...element.querySelectorAll(PRESSABLE_SELECTOR)].some((inner) => normaliseLabel(accessibleName(inner)) === wanted),
  );
  if (candidates.length <= 1) return candidates[0] ?? null;
  const place = normaliseLabel(location);
  // Its own row or card: the largest holder of this control and no other with the same name.
  const holdsLocation = (element: HTMLElement): boolean => {
    const row = element.closest(ROW_SELECTOR);
    if (row) return normaliseLabel(visibleText(row)).includes(place);
    let own: Element = element;
    for (let node = element.parentElement, climb = 0; node && climb < MAX_CLIMB; climb++, node = node.parentElement) {
      if (candidates.some((other) => other !== element && node!.contains(other))) break;
      own = node;
    }
    return normaliseLabel(visibleText(own)).includes(place);
  };
  return candidates.find(holdsLocation) ?? candidates[0] ?? null;
}

function escapeRegExp(text: string): string {
  return text.replace(/[.*+?^${}()|[\]\\]/g, '\\$&');
}
