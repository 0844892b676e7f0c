import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest';
import {
  fetchTakenOverDownload,
  installHttpsTakeover,
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

describe('fetchTakenOverDownload', () => {
  it('fetches once with the user’s cookies and returns a token with its file name', async () => {
    const server = scriptedFetch({ body: TEXT, headers: ATTACHMENT });
    await expect(fetchTakenOverDownload(TOKEN_URL, server.fetchImpl)).resolves.toEqual({
      kind: 'token',
      fileName: 'sToken_for_Main Campus.vpptoken',
      text: TEXT,
    });
    expect(server.calls).toHaveLength(1);
    expect(server.calls[0]?.init).toMatchObject({ credentials: 'include' });
  });

  it('takes token-shaped content without a name, and names from the link’s download attribute', async () => {
    const server = scriptedFetch({ body: TEXT }, { body: TEXT });
    await expect(fetchTakenOverDownload(TOKEN_URL, server.fetchImpl)).resolves.toMatchObject({ kind: 'token', fileName: undefined });
    await expect(fetchTakenOverDownload(TOKEN_URL, server.fetchImpl, 'sToken_for_X.vpptoken')).resolves.toMatchObject({
      kind: 'token',
      fileName: 'sToken_for_X.vpptoken',
    });
  });

  it('hands other attachments back whole, even past the size cap', async () => {
    const big = 'x'.repeat(MAX_VPP_TOKEN_BYTES + 10);
    const server = scriptedFetch(
      { body: 'not a token', headers: { 'content-disposition': 'attachment; filename="report.pdf"', 'content-type': 'application/pdf' } },
      { body: big, headers: ATTACHMENT },
    );
    const report = await fetchTakenOverDownload(TOKEN_URL, server.fetchImpl);
    expect(report).toMatchObject({ kind: 'attachment', fileName: 'report.pdf' });
    expect(report.kind === 'attachment' && (await report.blob.text())).toBe('not a token');
    // A `.vpptoken` name does not make 64 KiB and more a token.
    const oversized = await fetchTakenOverDownload(TOKEN_URL, server.fetchImpl);
    expect(oversized.kind).toBe('attachment');
    expect(oversized.kind === 'attachment' && oversized.blob.size).toBe(big.length);
  });

  it('reports pages, error statuses and network failures as not downloads', async () => {
    const server = scriptedFetch(
      { body: '<html>Signed out</html>', headers: { 'content-type': 'text/html' } },
      { body: TEXT, status: 500 },
      'network-error',
    );
    await expect(fetchTakenOverDownload(TOKEN_URL, server.fetchImpl)).resolves.toEqual({ kind: 'page' });
    await expect(fetchTakenOverDownload(TOKEN_URL, server.fetchImpl)).resolves.toEqual({ kind: 'page' });
    await expect(fetchTakenOverDownload(TOKEN_URL, server.fetchImpl)).resolves.toEqual({ kind: 'unreachable' });
  });

  it('does not take a file for a token by its name: the page can choose any name', async () => {
    const server = scriptedFetch({ body: 'Location,Expires\nMain Campus,2026-11-08\n', headers: ATTACHMENT });
    await expect(fetchTakenOverDownload(TOKEN_URL, server.fetchImpl, 'x.vpptoken')).resolves.toMatchObject({
      kind: 'attachment',
      fileName: 'sToken_for_Main Campus.vpptoken',
    });
  });

  it('does not take bytes that are not UTF-8 text as a token', async () => {
    const server = scriptedFetch({ body: new Uint8Array([0xff, 0xfe, 0x00, 0x41]), headers: ATTACHMENT });
    await expect(fetchTakenOverDownload(TOKEN_URL, server.fetchImpl)).resolves.toMatchObject({ kind: 'attachment' });
  });
});

describe('installHttpsTakeover', () => {
  let controller: AbortController;
  let win: TakeoverWindow & { navigation?: EventTarget };
  let assign: ReturnType<typeof vi.fn<(url: string | URL) => void>>;
  let clickedLinks: HTMLAnchorElement[];
  let claims: URL[];
  let tokens: { fileName?: string; text: string }[];
  let claimAnswer: boolean;

  const handlers = {
    claim: (url: URL) => {
      claims.push(url);
      return claimAnswer;
    },
    onToken: (file: { fileName?: string; text: string }) => tokens.push(file),
  };

  beforeEach(() => {
    controller = new AbortController();
    assign = vi.fn<(url: string | URL) => void>();
    clickedLinks = [];
    claims = [];
    tokens = [];
    claimAnswer = true;
    win = {
      location: { href: `${ORIGIN}/#/main/preferences/paymentsandbilling/appsandbooks`, origin: ORIGIN, assign },
      document,
      navigation: new EventTarget(),
      URL: { createObjectURL: vi.fn(() => 'blob:https://business.apple.com/1'), revokeObjectURL: vi.fn() },
      setTimeout: vi.fn(),
    };
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
    win.navigation!.dispatchEvent(event);
    expect(event.defaultPrevented).toBe(true);
    await settle();
    expect(server.calls.map((call) => call.url)).toEqual([TOKEN_URL]);
    expect(tokens).toEqual([{ fileName: 'sToken_for_Main Campus.vpptoken', text: TEXT }]);
    expect(assign).not.toHaveBeenCalled();
    expect(clickedLinks).toHaveLength(0);
  });

  it('never fetches a token URL twice: a repeat while the first is under way is cancelled too', async () => {
    const server = scriptedFetch({ body: TEXT, headers: ATTACHMENT });
    server.hold();
    installHttpsTakeover(win, handlers, controller.signal, server.fetchImpl);
    win.navigation!.dispatchEvent(navigateEvent(TOKEN_URL));
    const repeat = navigateEvent(TOKEN_URL);
    win.navigation!.dispatchEvent(repeat);
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
    for (const event of ignored) win.navigation!.dispatchEvent(event);
    expect(ignored.map((event) => event.defaultPrevented)).toEqual(ignored.map(() => false));
    expect(claims).toHaveLength(0);

    claimAnswer = false;
    const unclaimed = navigateEvent(`${ORIGIN}/signout`);
    win.navigation!.dispatchEvent(unclaimed);
    expect(unclaimed.defaultPrevented).toBe(false);
    expect(claims.map(String)).toEqual([`${ORIGIN}/signout`]);
    await settle();
    expect(server.calls).toHaveLength(0);
  });

  it('saves a non-token attachment for the user under its name', async () => {
    const server = scriptedFetch({ body: '%PDF-1.4', headers: { 'content-disposition': 'attachment; filename="report.pdf"' } });
    installHttpsTakeover(win, handlers, controller.signal, server.fetchImpl);
    win.navigation!.dispatchEvent(navigateEvent(`${ORIGIN}/api/file/report.pdf`));
    await settle();
    expect(tokens).toHaveLength(0);
    expect(clickedLinks).toHaveLength(1);
    expect(clickedLinks[0]?.download).toBe('report.pdf');
    expect(clickedLinks[0]?.getAttribute('href')).toBe('blob:https://business.apple.com/1');
    expect(assign).not.toHaveBeenCalled();
  });

  it('lets a page that is not a download open after all, without taking that navigation over again', async () => {
    const pageUrl = `${ORIGIN}/signed-out`;
    const server = scriptedFetch({ body: '<html></html>', headers: { 'content-type': 'text/html' } });
    installHttpsTakeover(win, handlers, controller.signal, server.fetchImpl);
    win.navigation!.dispatchEvent(navigateEvent(pageUrl));
    await settle();
    expect(assign).toHaveBeenCalledWith(pageUrl);
    const followUp = navigateEvent(pageUrl);
    win.navigation!.dispatchEvent(followUp);
    expect(followUp.defaultPrevented).toBe(false);
    expect(claims).toHaveLength(1);
    expect(tokens).toHaveLength(0);
  });

  it('without the Navigation API, takes over a claimed link click, and only a plain one', async () => {
    delete win.navigation;
    const server = scriptedFetch({ body: TEXT, headers: ATTACHMENT });
    installHttpsTakeover(win, handlers, controller.signal, server.fetchImpl);
    const link = document.createElement('a');
    link.href = TOKEN_URL;
    link.textContent = 'Download';
    document.body.append(link);
    // What our capture-phase listener decided, read before happy-dom would follow the link.
    const decided: boolean[] = [];
    const record = (event: Event) => {
      decided.push(event.defaultPrevented);
      event.preventDefault();
    };
    document.body.addEventListener('click', record);

    link.dispatchEvent(new MouseEvent('click', { bubbles: true, cancelable: true, ctrlKey: true }));
    link.target = '_blank';
    link.dispatchEvent(new MouseEvent('click', { bubbles: true, cancelable: true }));
    link.removeAttribute('target');
    expect(claims).toHaveLength(0);

    link.dispatchEvent(new MouseEvent('click', { bubbles: true, cancelable: true }));
    expect(decided).toEqual([false, false, true]);
    document.body.removeEventListener('click', record);
    await settle();
    expect(server.calls.map((call) => call.url)).toEqual([TOKEN_URL]);
    expect(tokens).toEqual([{ fileName: 'sToken_for_Main Campus.vpptoken', text: TEXT }]);
  });

  it('stops when its signal aborts', async () => {
    const server = scriptedFetch({ body: TEXT, headers: ATTACHMENT });
    installHttpsTakeover(win, handlers, controller.signal, server.fetchImpl);
    controller.abort();
    const event = navigateEvent(TOKEN_URL);
    win.navigation!.dispatchEvent(event);
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
    win.navigation!.dispatchEvent(navigateEvent(TOKEN_URL));
    await settle();
    expect(tokens).toHaveLength(1);
    expect(JSON.stringify(logged)).not.toContain(TEXT);
  });
});
