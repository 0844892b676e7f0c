import { createIntuneState, handleIntune } from '../../../sandbox/microsoft.mjs';
import { createSeedState } from '../../../sandbox/world.mjs';

export interface SeenRequest {
  url: string;
  method: string;
  headers: Record<string, string>;
  body: string;
}

/** The Microsoft stand-in behind a fetch and a launchWebAuthFlow, for unit tests without a network. */
export function sandboxMicrosoft() {
  const world = createSeedState();
  const state = createIntuneState(world);
  const requests: SeenRequest[] = [];
  const serve = (method: string, url: URL, headers: Record<string, string>, body: string) => {
    const reply = handleIntune({ world, state }, { host: url.host, method, url, headers, body });
    return reply;
  };
  const fetchImpl = (async (input: RequestInfo | URL, init: RequestInit = {}) => {
    const url = new URL(String(input));
    const headers: Record<string, string> = {};
    for (const [key, value] of Object.entries((init.headers ?? {}) as Record<string, string>)) headers[key.toLowerCase()] = value;
    const body = String(init.body ?? '');
    const method = init.method ?? 'GET';
    requests.push({ url: url.toString(), method, headers, body });
    const reply = serve(method, url, headers, body);
    if (reply === 'hang') {
      return new Promise<Response>((_, reject) => init.signal?.addEventListener('abort', () => reject(new DOMException('aborted', 'AbortError'))));
    }
    const payload = reply.body === undefined ? null : typeof reply.body === 'string' ? reply.body : JSON.stringify(reply.body);
    return new Response(reply.status === 204 ? null : payload, { status: reply.status, headers: reply.headers });
  }) as typeof fetch;
  const launched: string[] = [];
  /** The admin is already signed in: follow the authorize redirect to the extension's redirect URL. */
  const launchWebAuthFlow = async ({ url }: { url: string; interactive: boolean }) => {
    launched.push(url);
    const reply = serve('GET', new URL(url), {}, '');
    if (reply === 'hang' || reply.status !== 302) throw new Error('Authorization page could not be loaded.');
    return reply.headers!.location!;
  };
  return { world, state, requests, fetch: fetchImpl, launchWebAuthFlow, launched };
}
