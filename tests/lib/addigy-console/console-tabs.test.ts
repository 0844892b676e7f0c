import { beforeEach, describe, expect, it } from 'vitest';
import { AddigyConsoleTabs, type ConsoleRoutes, type ConsoleTabsAdapter } from '../../../lib/addigy-console/console-tabs';
import { originOf } from '../../../lib/http';
import type { BackgroundToConsole, ConsoleJob } from '../../../lib/addigy-console/console-messages';

const POLICY_URL = 'https://app.addigy.com/policies/pol-root/integrations';
const SIGN_IN_URL = 'https://login.addigy.com/u/login?state=abc';
const JOB: ConsoleJob = { renewalId: 'r1', locationName: 'Main Campus', fileName: 'sToken_for_Main Campus.vpptoken' };

/**
 * Browser tabs as plain data; each call is recorded. As in a browser, a page has no console script until one is
 * injected into it, and a message to a page without one finds no receiving end.
 */
function fakeTabs() {
  const tabs = new Map<number, { id: number; url: string; status: 'loading' | 'complete'; driver?: boolean }>();
  let nextId = 1;
  const created: { url: string; active: boolean }[] = [];
  const updated: { tabId: number; url: string }[] = [];
  const sent: { tabId: number; message: BackgroundToConsole; options: { frameId: number } }[] = [];
  const injected: number[] = [];
  /** Injections and messages, in order. */
  const calls: string[] = [];
  const failures: { create?: boolean; get?: boolean; sendMessage?: boolean; inject?: boolean } = {};

  const adapter: ConsoleTabsAdapter = {
    async create(props) {
      created.push(props);
      if (failures.create) throw new Error('Tabs cannot be edited right now');
      const id = nextId++;
      tabs.set(id, { id, url: props.url, status: 'loading' });
      return { id };
    },
    async get(tabId) {
      if (failures.get) throw new Error(`No tab with id: ${tabId}`);
      const tab = tabs.get(tabId);
      return tab && { ...tab };
    },
    async update(tabId, props) {
      updated.push({ tabId, url: props.url });
      const tab = tabs.get(tabId);
      if (!tab) throw new Error(`No tab with id: ${tabId}`);
      Object.assign(tab, { url: props.url, status: 'loading', driver: false });
      return { ...tab };
    },
    async injectDriver(tabId) {
      injected.push(tabId);
      calls.push(`inject ${tabId}`);
      const tab = tabs.get(tabId);
      if (failures.inject || !tab) throw new Error('Cannot access contents of the page.');
      tab.driver = true;
      return [{ frameId: 0, result: undefined }];
    },
    async sendMessage(tabId, message, options) {
      sent.push({ tabId, message, options });
      calls.push(`send ${tabId} ${message.type}`);
      if (failures.sendMessage || !tabs.get(tabId)?.driver) throw new Error('Could not establish connection. Receiving end does not exist.');
      return undefined;
    },
  };

  return {
    adapter,
    created,
    updated,
    sent,
    injected,
    calls,
    failures,
    /** A tab that is already open, e.g. one Token Relay opened before. */
    open(url: string, status: 'loading' | 'complete' = 'complete') {
      const id = nextId++;
      tabs.set(id, { id, url, status });
      return id;
    },
    /** The page in the tab changed (Addigy routed, or the admin navigated). */
    show(tabId: number, url: string, status: 'loading' | 'complete' = 'complete') {
      Object.assign(tabs.get(tabId)!, { url, status, driver: false });
    },
    close(tabId: number) {
      tabs.delete(tabId);
    },
  };
}

const routes: ConsoleRoutes = {
  policyUrl: (policyId) => `https://app.addigy.com/policies/${policyId}/integrations`,
  isSignInUrl: (url) => originOf(url) === 'https://login.addigy.com',
};

describe('AddigyConsoleTabs', () => {
  let tabs: ReturnType<typeof fakeTabs>;
  let consoleTabs: AddigyConsoleTabs;

  beforeEach(() => {
    tabs = fakeTabs();
    consoleTabs = new AddigyConsoleTabs(tabs.adapter, routes);
  });

  describe('openForUpload', () => {
    it('opens a background tab on the policy’s page and names it to the caller at once; the job waits for the load', async () => {
      const known: number[] = [];
      const result = await consoleTabs.openForUpload({ policyId: 'pol-root', job: JOB }, async (tabId) => {
        known.push(tabId);
      });
      expect(result).toEqual({ ok: true, value: { tabId: 1 } });
      expect(tabs.created).toEqual([{ url: POLICY_URL, active: false }]);
      expect(known).toEqual([1]);
      expect(tabs.updated).toEqual([]);
      expect(tabs.sent).toEqual([]);
      // Nothing of Token Relay goes into the page before it has loaded: its load injects the script.
      expect(tabs.injected).toEqual([]);
    });

    it('reuses a live tab on the policy’s page and hands it the job, top frame only, the console script injected first', async () => {
      const tabId = tabs.open(`${POLICY_URL}/`);
      expect(await consoleTabs.openForUpload({ tabId, policyId: 'pol-root', job: JOB })).toEqual({ ok: true, value: { tabId } });
      expect(tabs.created).toEqual([]);
      expect(tabs.updated).toEqual([]);
      expect(tabs.sent).toEqual([{ tabId, message: { type: 'console:upload', job: JOB }, options: { frameId: 0 } }]);
      expect(tabs.calls).toEqual([`inject ${tabId}`, `send ${tabId} console:upload`]);
    });

    it('injects the console script again on each page load of its tab, before the job goes (the script keeps one copy per page)', async () => {
      const tabId = tabs.open(POLICY_URL);
      await consoleTabs.openForUpload({ tabId, policyId: 'pol-root', job: JOB });
      // Addigy's route changed, then the page was loaded anew: each load hands the job over again.
      await consoleTabs.openForUpload({ tabId, policyId: 'pol-root', job: JOB });
      tabs.show(tabId, POLICY_URL);
      await consoleTabs.openForUpload({ tabId, policyId: 'pol-root', job: JOB });
      expect(tabs.calls).toEqual(Array(3).fill([`inject ${tabId}`, `send ${tabId} console:upload`]).flat());
    });

    it('sends no job where the console script could not be injected; the next load tries again', async () => {
      const tabId = tabs.open(POLICY_URL);
      tabs.failures.inject = true;
      expect(await consoleTabs.openForUpload({ tabId, policyId: 'pol-root', job: JOB })).toEqual({ ok: true, value: { tabId } });
      expect(tabs.injected).toEqual([tabId]);
      expect(tabs.sent).toEqual([]);
    });

    it('a retry (reload) loads the policy page afresh in a live tab, even one already there; the load hands the job over', async () => {
      const tabId = tabs.open(POLICY_URL);
      expect(await consoleTabs.openForUpload({ tabId, policyId: 'pol-root', job: JOB, reload: true })).toEqual({ ok: true, value: { tabId } });
      expect(tabs.updated).toEqual([{ tabId, url: POLICY_URL }]);
      expect(tabs.sent).toEqual([]);
      expect(tabs.created).toEqual([]);
    });

    it('a reload still leaves a tab on the sign-in page alone, and a closed tab gets a new one', async () => {
      const signIn = tabs.open(SIGN_IN_URL);
      await consoleTabs.openForUpload({ tabId: signIn, policyId: 'pol-root', job: JOB, reload: true });
      expect(tabs.updated).toEqual([]);
      const closed = tabs.open(POLICY_URL);
      tabs.close(closed);
      const result = await consoleTabs.openForUpload({ tabId: closed, policyId: 'pol-root', job: JOB, reload: true });
      expect(result.ok && result.value.tabId).not.toBe(closed);
      expect(tabs.created).toEqual([{ url: POLICY_URL, active: false }]);
    });

    it('does not send the job to a page still loading: its load hands the job over', async () => {
      const tabId = tabs.open(POLICY_URL, 'loading');
      expect(await consoleTabs.openForUpload({ tabId, policyId: 'pol-root', job: JOB })).toEqual({ ok: true, value: { tabId } });
      expect(tabs.sent).toEqual([]);
    });

    it('opens a new tab when the old one was closed', async () => {
      const old = tabs.open(POLICY_URL);
      tabs.close(old);
      const result = await consoleTabs.openForUpload({ tabId: old, policyId: 'pol-root', job: JOB });
      expect(result.ok && result.value.tabId).not.toBe(old);
      expect(tabs.created).toEqual([{ url: POLICY_URL, active: false }]);
      expect(tabs.sent).toEqual([]);
    });

    it('opens a new tab when the browser cannot tell about the old one', async () => {
      const old = tabs.open(POLICY_URL);
      tabs.failures.get = true;
      const result = await consoleTabs.openForUpload({ tabId: old, policyId: 'pol-root', job: JOB });
      expect(result.ok).toBe(true);
      expect(tabs.created).toHaveLength(1);
    });

    it('leaves a tab on Addigy’s sign-in page alone', async () => {
      const tabId = tabs.open(SIGN_IN_URL);
      expect(await consoleTabs.openForUpload({ tabId, policyId: 'pol-root', job: JOB })).toEqual({ ok: true, value: { tabId } });
      expect(tabs.updated).toEqual([]);
      expect(tabs.sent).toEqual([]);
      expect(tabs.created).toEqual([]);
    });

    it('navigates a tab showing another page once, then delivers the job where Addigy put it', async () => {
      const tabId = tabs.open('https://app.addigy.com/devices');
      expect(await consoleTabs.openForUpload({ tabId, policyId: 'pol-root', job: JOB })).toEqual({ ok: true, value: { tabId } });
      expect(tabs.updated).toEqual([{ tabId, url: POLICY_URL }]);
      expect(tabs.sent).toEqual([]);

      // Addigy routed the tab elsewhere (its own home page); going back would loop.
      tabs.show(tabId, 'https://app.addigy.com/home');
      await consoleTabs.openForUpload({ tabId, policyId: 'pol-root', job: JOB });
      expect(tabs.updated).toHaveLength(1);
      expect(tabs.sent).toEqual([{ tabId, message: { type: 'console:upload', job: JOB }, options: { frameId: 0 } }]);
    });

    it('never navigates a tab it opened itself: Addigy’s routing is followed', async () => {
      const opened = await consoleTabs.openForUpload({ policyId: 'pol-root', job: JOB });
      const tabId = opened.ok ? opened.value.tabId : -1;
      tabs.show(tabId, 'https://app.addigy.com/policies');
      await consoleTabs.openForUpload({ tabId, policyId: 'pol-root', job: JOB });
      expect(tabs.updated).toEqual([]);
      expect(tabs.sent).toEqual([{ tabId, message: { type: 'console:upload', job: JOB }, options: { frameId: 0 } }]);
    });

    it.each([
      ['plain http', 'http://app.addigy.com/policies/pol-root/integrations'],
      ['a look-alike host', 'https://app.addigy.com.evil.example/policies/pol-root/integrations'],
      ['another site', 'https://example.org/'],
    ])('never sends the job to a tab on %s', async (_name, url) => {
      const tabId = tabs.open(url);
      await consoleTabs.openForUpload({ tabId, policyId: 'pol-root', job: JOB });
      // It may be sent to the policy page; once it is elsewhere, nothing is sent to it.
      tabs.show(tabId, url);
      await consoleTabs.openForUpload({ tabId, policyId: 'pol-root', job: JOB });
      expect(tabs.sent).toEqual([]);
      expect(tabs.injected).toEqual([]);
    });

    it('says so when no tab can be opened', async () => {
      tabs.failures.create = true;
      const result = await consoleTabs.openForUpload({ policyId: 'pol-root', job: JOB });
      expect(result).toMatchObject({ ok: false, error: { kind: 'console-unavailable' } });
      if (!result.ok) expect(result.error.nextStep).toMatch(/Retry/);
    });

    it('a message the page cannot take is not an error: the next load hands the job over', async () => {
      const tabId = tabs.open(POLICY_URL);
      tabs.failures.sendMessage = true;
      expect(await consoleTabs.openForUpload({ tabId, policyId: 'pol-root', job: JOB })).toEqual({ ok: true, value: { tabId } });
    });
  });

  describe('pressSave', () => {
    it('asks the top frame of the Addigy tab to press Save, the console script injected first', async () => {
      const tabId = tabs.open(POLICY_URL);
      expect(await consoleTabs.pressSave(tabId, 'r1')).toEqual({ ok: true, value: undefined });
      expect(tabs.sent).toEqual([{ tabId, message: { type: 'console:press-save', renewalId: 'r1' }, options: { frameId: 0 } }]);
      expect(tabs.calls).toEqual([`inject ${tabId}`, `send ${tabId} console:press-save`]);
    });

    it('a page the console script cannot be injected into is console-closed, and nothing is sent', async () => {
      const tabId = tabs.open(POLICY_URL);
      tabs.failures.inject = true;
      expect(await consoleTabs.pressSave(tabId, 'r1')).toMatchObject({ ok: false, error: { kind: 'console-closed' } });
      expect(tabs.sent).toEqual([]);
    });

    it('a closed tab is console-closed, and nothing is sent', async () => {
      const tabId = tabs.open(POLICY_URL);
      tabs.close(tabId);
      const result = await consoleTabs.pressSave(tabId, 'r1');
      expect(result).toMatchObject({ ok: false, error: { kind: 'console-closed' } });
      if (!result.ok) expect(result.error.nextStep).toMatch(/Retry/);
      expect(tabs.sent).toEqual([]);
    });

    it.each([SIGN_IN_URL, 'http://app.addigy.com/policies', 'https://app.addigy.com.evil.example/', 'https://example.org/'])(
      'a tab that no longer shows Addigy’s console (%s) is console-closed, and nothing is sent',
      async (url) => {
        const tabId = tabs.open(url);
        expect(await consoleTabs.pressSave(tabId, 'r1')).toMatchObject({ ok: false, error: { kind: 'console-closed' } });
        expect(tabs.sent).toEqual([]);
        expect(tabs.injected).toEqual([]);
      },
    );

    it('a page without our script is console-closed', async () => {
      const tabId = tabs.open(POLICY_URL);
      tabs.failures.sendMessage = true;
      expect(await consoleTabs.pressSave(tabId, 'r1')).toMatchObject({ ok: false, error: { kind: 'console-closed' } });
    });
  });
});
