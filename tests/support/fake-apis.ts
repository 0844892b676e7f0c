import type { AddigyApi, AppleApi } from '../../lib/renewal/renewal-machine';
import type { AddigyToken, RenewalPreview } from '../../lib/addigy/schemas';
import type { AddigyProblem } from '../../lib/addigy/addigy-client';
import type { AppleClientConfig } from '../../lib/apple/schemas';
import type { AppleProblem } from '../../lib/apple/apple-client';
import { err, ok, type Result } from '../../lib/result';

type Answer<T, E> = Result<T, E> | (() => Result<T, E>);
const resolve = <T, E>(a: Answer<T, E>) => (typeof a === 'function' ? a() : a);

/** An Apple double that answers per token text. */
export function fakeApple(answers: Record<string, Answer<AppleClientConfig, AppleProblem>>) {
  const calls: string[] = [];
  const api: AppleApi = {
    async getClientConfig(text) {
      calls.push(text);
      const answer = answers[text];
      return answer ? resolve(answer) : err(appleProblem('invalid'));
    },
  };
  return { api, calls };
}

export function appleProblem(kind: AppleProblem['kind']): AppleProblem {
  return { kind, message: `Apple says ${kind}.`, nextStep: 'Do something.' };
}

export function addigyProblem(kind: AddigyProblem['kind'], transient = false, status?: number): AddigyProblem {
  return { kind, message: `Addigy says ${kind}.`, nextStep: 'Do something.', transient, status, call: 'renew' };
}

/** An in-memory Addigy with a call log; individual calls can be overridden. */
export function fakeAddigy(tokens: AddigyToken[], preview: RenewalPreview) {
  const calls: { call: string; locationId?: string; text?: string; repeat?: boolean }[] = [];
  const overrides: Partial<Record<keyof AddigyApi, () => Result<unknown, AddigyProblem>>> = {};
  let pollsUntilSynced = 1;
  let syncError: string | undefined;
  const api: AddigyApi = {
    async listTokens() {
      calls.push({ call: 'listTokens' });
      if (overrides.listTokens) return overrides.listTokens() as Result<AddigyToken[], AddigyProblem>;
      for (const t of tokens) {
        if (t.syncing && --pollsUntilSynced <= 0) {
          t.syncing = false;
          t.lastSyncingStatus = syncError ? 'error' : 'success';
          t.errMsg = syncError ?? null;
          t.lastSync = syncError ? t.lastSync : new Date(Date.now() + 1000).toISOString();
        }
      }
      return ok(structuredClone(tokens));
    },
    async previewRenewal(locationId, text) {
      calls.push({ call: 'previewRenewal', locationId, text });
      if (overrides.previewRenewal) return overrides.previewRenewal() as Result<RenewalPreview, AddigyProblem>;
      return ok(preview);
    },
    async renew(locationId, text, options) {
      calls.push({ call: 'renew', locationId, text, repeat: options?.repeat });
      if (overrides.renew) return overrides.renew() as Result<AddigyToken, AddigyProblem>;
      const token = tokens.find((t) => t.locationId === locationId)!;
      return ok(token);
    },
    async requestSync(locationId) {
      calls.push({ call: 'requestSync', locationId });
      if (overrides.requestSync) return overrides.requestSync() as Result<void, AddigyProblem>;
      for (const t of tokens) if (t.locationId === locationId) t.syncing = true;
      return ok(undefined);
    },
  };
  return {
    api,
    calls,
    overrides,
    callsOf: (name: string) => calls.filter((c) => c.call === name),
    setScan(options: { polls?: number; error?: string }) {
      pollsUntilSynced = options.polls ?? 1;
      syncError = options.error;
    },
  };
}
