import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest';
import {
  fetchTakenOverToken,
  installHttpsTakeover,
  type TakenOverToken,
  type TakeoverWindow,
} from '../../../lib/capture/https-takeover';
import { MAX_VPP_TOKEN_BYTES } from '../../../lib/token/types';
import { makeVppTokenText } from '../../support/vpp-token-factory';

const ORIGIN = 'https://business.apple.com';
const TOKEN_URL = `${ORIGIN}/api/tokens/LOC-1001/download`;
const TEXT = makeVppTokenText();
const ATTACHMENT = { 'content-disposition': 'attachment; filename="sToken_for_Main Campus.vpptoken"' };

type Reply = { body?: BodyInit | null; status?: number; headers?: Record<string, string> } | 'network-error';

/** A fetch that answers from a script and records every request, as the sandbox does: each GET mints. */
function scriptedFetch(...replies: Reply[]) {
  const calls: { url: string; init: RequestInit }[] = [];
  let release: () => void = () => undefined;
  const gate = { held: false, wait: Promise.resolve() };
  const fetchImpl = vi.fn(async (url: string, init: RequestInit) => {
    calls.push({ url, init });
    if (gate.held) await gate.wait;
    const reply = replies.shift() ?? { status: 404 };
    if (reply === 'network-error') throw new TypeError('Failed to fetch');
    return new Response(reply.body ?? null, { status: reply.status ?? 200, headers: reply.headers });
  });
  return {
    fetchImpl,
    calls,
    hold() {
      gate.held = true;
      gate.wait = new Promise((resolve) => (release = resolve));
    },
    release: () => release(),
  };
}

function navigateEvent(url: string, { cancelable = true, ...overrides }: Record<string, unknown> = {}) {
  const event = new Event('navigate', { cancelable: cancelable !== false });
  Object.assign(event, {
    navigationType: 'push',
    destination: { url, sameDocument: false },
    hashChange: false,
    formData: null,
    downloadRequest: null,
    ...overrides,
  });
  return event;
}

const settle = () => new Promise((resolve) => setTimeout(resolve, 10));

describe('fetchTakenOverToken', () => {
  it('fetches once with the user’s cookies and returns the token with the response’s Content-Disposition', async () => {
    const server = scriptedFetch({ body: TEXT, headers: ATTACHMENT });
    await expect(fetchTakenOverToken(TOKEN_URL, server.fetchImpl)).resolves.toEqual({
      text: TEXT,
      disposition: ATTACHMENT['content-disposition'],
    });
    expect(server.calls).toHaveLength(1);
    expect(server.calls[0]?.init).toMatchObject({ credentials: 'include' });
  });

  it('takes token-shaped content without a header', async () => {
    const server = scriptedFetch({ body: TEXT });
    await expect(fetchTakenOverToken(TOKEN_URL, server.fetchImpl)).resolves.toEqual({ text: TEXT, disposition: undefined });
  });

  it('answers nothing for another file, a page, an error status or no answer at all', async () => {
    const server = scriptedFetch(
      { body: 'not a token', headers: { 'content-disposition': 'attachment; filename="report.pdf"', 'content-type': 'application/pdf' } },
      // A `.vpptoken` name does not make 64 KiB and more a token.
      { body: `${TEXT}${' '.repeat(MAX_VPP_TOKEN_BYTES)}`, headers: ATTACHMENT },
      { body: '<html>Signed out</html>', headers: { 'content-type': 'text/html' } },
      { body: TEXT, status: 500 },
      'network-error',
    );
    for (let i = 0; i < 5; i++) await expect(fetchTakenOverToken(TOKEN_URL, server.fetchImpl)).resolves.toBeUndefined();
    expect(server.calls).toHaveLength(5);
  });

  it('does not take a file for a token by its name: the page can choose any name', async () => {
    const server = scriptedFetch({ body: 'Location,Expires\nMain Campus,2026-11-08\n', headers: ATTACHMENT });
    await expect(fetchTakenOverToken(TOKEN_URL, server.fetchImpl)).resolves.toBeUndefined();
  });

  it('does not take bytes that are not UTF-8 text as a token', async () => {
    const bytes = new TextEncoder().encode(TEXT);
    bytes[4] = 0xff;
    const server = scriptedFetch({ body: bytes, headers: ATTACHMENT });
    await expect(fetchTakenOverToken(TOKEN_URL, server.fetchImpl)).resolves.toBeUndefined();
  });
});

describe('installHttpsTakeover', () => {
  let controller: AbortController;
  let win: TakeoverWindow;
  let clickedLinks: HTMLAnchorElement[];
  let claims: URL[];
  let tokens: TakenOverToken[];
  let claimAnswer: boolean;

  const handlers = {
    claim: (url: URL) => {
      claims.push(url);
      return claimAnswer;
    },
    onToken: (file: TakenOverToken) => tokens.push(file),
  };

  beforeEach(() => {
    controller = new AbortController();
    clickedLinks = [];
    claims = [];
    tokens = [];
    claimAnswer = true;
    win = { location: { origin: ORIGIN }, document, navigation: new EventTarget() };
    vi.spyOn(HTMLAnchorElement.prototype, 'click').mockImplementation(function (this: HTMLAnchorElement) {
      clickedLinks.push(this);
    });
  });
  afterEach(() => {
    controller.abort();
    vi.restoreAllMocks();
    document.body.replaceChildren();
  });

  it('cancels a claimed navigation before it leaves and relays the one fetched token', async () => {
    const server = scriptedFetch({ body: TEXT, headers: ATTACHMENT });
    installHttpsTakeover(win, handlers, controller.signal, server.fetchImpl);
    const event = navigateEvent(TOKEN_URL);
    win.navigation.dispatchEvent(event);
    expect(event.defaultPrevented).toBe(true);
    await settle();
    expect(server.calls.map((call) => call.url)).toEqual([TOKEN_URL]);
    // The name is the background's to read from the header (it saves the file); the link had no `download` attribute.
    expect(tokens).toEqual([{ text: TEXT, disposition: ATTACHMENT['content-disposition'], fileName: undefined }]);
    expect(clickedLinks).toHaveLength(0);
  });

  it('never fetches a token URL twice: a repeat while the first is under way is cancelled too', async () => {
    const server = scriptedFetch({ body: TEXT, headers: ATTACHMENT });
    server.hold();
    installHttpsTakeover(win, handlers, controller.signal, server.fetchImpl);
    win.navigation.dispatchEvent(navigateEvent(TOKEN_URL));
    const repeat = navigateEvent(TOKEN_URL);
    win.navigation.dispatchEvent(repeat);
    expect(repeat.defaultPrevented).toBe(true);
    server.release();
    await settle();
    expect(server.calls).toHaveLength(1);
    expect(tokens).toHaveLength(1);
  });

  it('leaves alone what is not a download the user just asked for', async () => {
    const server = scriptedFetch();
    installHttpsTakeover(win, handlers, controller.signal, server.fetchImpl);
    const ignored = [
      navigateEvent(`${ORIGIN}/#/main/devices`, { hashChange: true, destination: { url: `${ORIGIN}/#/main/devices`, sameDocument: true } }),
      navigateEvent(`${ORIGIN}/preferences/payments`, { destination: { url: `${ORIGIN}/preferences/payments`, sameDocument: true } }),
      navigateEvent('https://evil.example/steal'),
      navigateEvent('http://business.apple.com/api/tokens/1/download'),
      navigateEvent(TOKEN_URL, { navigationType: 'reload' }),
      navigateEvent(TOKEN_URL, { navigationType: 'traverse' }),
      navigateEvent(TOKEN_URL, { formData: new FormData() }),
      navigateEvent(TOKEN_URL, { cancelable: false }),
    ];
    for (const event of ignored) win.navigation.dispatchEvent(event);
    expect(ignored.map((event) => event.defaultPrevented)).toEqual(ignored.map(() => false));
    expect(claims).toHaveLength(0);

    claimAnswer = false;
    const unclaimed = navigateEvent(`${ORIGIN}/signout`);
    win.navigation.dispatchEvent(unclaimed);
    expect(unclaimed.defaultPrevented).toBe(false);
    expect(claims.map(String)).toEqual([`${ORIGIN}/signout`]);
    await settle();
    expect(server.calls).toHaveLength(0);
  });

  it('sends the name the link’s download attribute gave along with the token', async () => {
    const server = scriptedFetch({ body: TEXT });
    installHttpsTakeover(win, handlers, controller.signal, server.fetchImpl);
    win.navigation.dispatchEvent(navigateEvent(TOKEN_URL, { downloadRequest: 'sToken_for_X.vpptoken' }));
    await settle();
    expect(tokens).toEqual([{ text: TEXT, disposition: undefined, fileName: 'sToken_for_X.vpptoken' }]);
  });

  it('hands what is not a token back to the browser as the same download, without taking it over again', async () => {
    const fileUrl = `${ORIGIN}/api/file/report.pdf`;
    const server = scriptedFetch({ body: '%PDF-1.4', headers: { 'content-disposition': 'attachment; filename="report.pdf"' } });
    installHttpsTakeover(win, handlers, controller.signal, server.fetchImpl);
    win.navigation.dispatchEvent(navigateEvent(fileUrl, { downloadRequest: 'report.pdf' }));
    await settle();
    expect(tokens).toHaveLength(0);
    expect(clickedLinks.map((link) => [link.href, link.hasAttribute('download'), link.download])).toEqual([[fileUrl, true, 'report.pdf']]);
    // The browser's navigation for that link passes untouched, and is not claimed.
    const followUp = navigateEvent(fileUrl, { downloadRequest: 'report.pdf' });
    win.navigation.dispatchEvent(followUp);
    expect(followUp.defaultPrevented).toBe(false);
    expect(claims).toHaveLength(1);
  });

  it('lets a page, an error or an unreachable URL open after all, as a plain navigation', async () => {
    const pageUrl = `${ORIGIN}/signed-out`;
    const server = scriptedFetch({ body: '<html></html>', headers: { 'content-type': 'text/html' } }, 'network-error');
    installHttpsTakeover(win, handlers, controller.signal, server.fetchImpl);
    win.navigation.dispatchEvent(navigateEvent(pageUrl));
    await settle();
    expect(clickedLinks.map((link) => [link.href, link.hasAttribute('download')])).toEqual([[pageUrl, false]]);
    const followUp = navigateEvent(pageUrl);
    win.navigation.dispatchEvent(followUp);
    expect(followUp.defaultPrevented).toBe(false);
    // Later, unreachable: the browser tries again and shows its own error.
    win.navigation.dispatchEvent(navigateEvent(pageUrl));
    await settle();
    expect(clickedLinks).toHaveLength(2);
    expect(claims).toHaveLength(2);
    expect(tokens).toHaveLength(0);
  });

  it('stops when its signal aborts', async () => {
    const server = scriptedFetch({ body: TEXT, headers: ATTACHMENT });
    installHttpsTakeover(win, handlers, controller.signal, server.fetchImpl);
    controller.abort();
    const event = navigateEvent(TOKEN_URL);
    win.navigation.dispatchEvent(event);
    expect(event.defaultPrevented).toBe(false);
    await settle();
    expect(server.calls).toHaveLength(0);
  });

  it('keeps the token out of logs', async () => {
    const logged: unknown[] = [];
    for (const method of ['log', 'info', 'warn', 'error', 'debug'] as const) {
      vi.spyOn(console, method).mockImplementation((...args: unknown[]) => void logged.push(...args));
    }
    const server = scriptedFetch({ body: TEXT, headers: ATTACHMENT });
    installHttpsTakeover(win, handlers, controller.signal, server.fetchImpl);
    win.navigation.dispatchEvent(navigateEvent(TOKEN_URL));
    await settle();
    expect(tokens).toHaveLength(1);
    expect(JSON.stringify(logged)).not.toContain(TEXT);
  });
});
