import { describe, expect, it, vi } from 'vitest';
import { fakeBrowser } from 'wxt/testing/fake-browser';
import type { TokenWatch } from '../../../lib/badge';
import { createPopupState, RESUME_ALARM, storedPopupStateSources, type PopupStateSources } from '../../../lib/messaging/popup-state';
import { saveAddigySectionKey, saveAddigySectionUrl, saveConnection } from '../../../lib/storage/connections';
import { resetTokenRelayDbForTests } from '../../../lib/storage/database';
import type { RenewalRecord } from '../../../lib/renewal/renewal-record';
import { renewalRecord } from '../../support/renewal-record-factory';
import { batchItem, batchRecord, batchRows } from '../../support/batch-record-factory';

const flush = () => new Promise((resolve) => setTimeout(resolve, 0));

function setUp(over: Partial<PopupStateSources> & { renewalList?: RenewalRecord[]; watch?: TokenWatch } = {}) {
  const sent: unknown[] = [];
  const alarms: string[] = [];
  const sources: PopupStateSources = {
    connectionCount: async () => 0,
    renewals: async () => over.renewalList ?? [],
    noticedDownloads: async () => ['/d/sToken.vpptoken'],
    tokens: async () => ({ health: [] }),
    snoozedUntil: async () => ({ 'loc-1': '2026-12-31T00:00:00Z' }),
    tokenWatch: async () => over.watch ?? { unhealthy: [] },
    ...over,
  };
  const state = createPopupState(
    {
      action: fakeBrowser.action,
      alarms: {
        create: async (name) => void alarms.push(`create ${name}`),
        clear: async (name) => void alarms.push(`clear ${name}`),
      },
      sendMessage: async (message) => void sent.push(message),
      notify: async () => undefined,
    },
    sources,
  );
  return { state, sent, alarms };
}

describe('popup state', () => {
  it('is configured with an Addigy key or any connection, and lists the 20 newest renewals', async () => {
    const many = Array.from({ length: 25 }, () => renewalRecord('done'));
    const { state } = setUp({ renewalList: many });
    const read = await state.getState();
    expect(read).toMatchObject({ configured: false, noticedDownloads: ['/d/sToken.vpptoken'], snoozedUntil: { 'loc-1': '2026-12-31T00:00:00Z' } });
    expect(read.renewals).toEqual(many.slice(0, 20));
    expect((await setUp({ connectionCount: async () => 1 }).state.getState()).configured).toBe(true);
  });

  it('counts, from storage, every connection that holds its secret: the Addigy section’s key is one', async () => {
    await resetTokenRelayDbForTests();
    const count = storedPopupStateSources.connectionCount;
    // An address with no key is not a connection to ask.
    await saveAddigySectionUrl('https://api.eu.addigy.com/api/v2');
    expect(await count()).toBe(0);
    await saveAddigySectionKey('key-1');
    expect(await count()).toBe(1);
    await saveConnection({ id: 'jamf-1', kind: 'jamf-pro', name: 'Jamf', serverUrl: 'https://acme.jamfcloud.com', clientId: 'c' }, { clientSecret: 's' });
    expect(await count()).toBe(2);
  });

  it('publishes the badge, keeps the resume alarm while a renewal is under way, and tells open pages', async () => {
    const { state, sent, alarms } = setUp({ renewalList: [renewalRecord('scanning')] });
    await state.publish();
    expect(await fakeBrowser.action.getBadgeText({})).toBe('…');
    expect(alarms).toEqual([`create ${RESUME_ALARM}`]);
    expect(sent).toEqual([{ type: 'state:changed' }]);
  });

  it('clears the resume alarm when nothing is under way (awaiting confirmation waits for the user)', async () => {
    const { state, alarms } = setUp({ renewalList: [renewalRecord('awaiting-confirmation'), renewalRecord('done')], watch: { unhealthy: ['North'] } });
    await state.publish();
    expect(alarms).toEqual([`clear ${RESUME_ALARM}`]);
    expect(await fakeBrowser.action.getBadgeText({})).toBe('!');
  });

  it('publishes even when no extension page is open to hear it', async () => {
    const { state } = setUp();
    const failing = createPopupState({
      action: fakeBrowser.action,
      alarms: { create: async () => undefined, clear: async () => undefined },
      sendMessage: () => Promise.reject(new Error('Receiving end does not exist.')),
      notify: async () => undefined,
    });
    await expect(failing.publish()).resolves.toBeUndefined();
    await expect(state.publish()).resolves.toBeUndefined();
  });

  it('on a renewal change publishes; a renewal done also makes the watch look again', async () => {
    const { state, sent } = setUp();
    state.renewalChanged(renewalRecord('renewing'));
    await flush();
    expect(sent).toHaveLength(1);
    state.renewalChanged(renewalRecord('done'));
    // One publish for the change, one after the watch's fresh look.
    await vi.waitFor(() => expect(sent).toHaveLength(3));
    await flush();
    expect(sent).toHaveLength(3);
  });

  it('carries the batch into the state, until its summary is closed; none without a batch source', async () => {
    const running = batchRecord('running', batchRows(3, 1));
    expect((await setUp({ batch: async () => running }).state.getState()).batch).toEqual(running);
    const closed = batchRecord('finished', batchRows(3, 3), { dismissed: true });
    expect((await setUp({ batch: async () => closed }).state.getState()).batch).toBeUndefined();
    expect((await setUp().state.getState()).batch).toBeUndefined();
  });

  it('publishes a running batch on the badge and keeps the resume alarm between two of its locations', async () => {
    // Between locations: the last renewal is done and the next download not pressed yet.
    const running = batchRecord('running', [batchItem('North High', 'renewed'), batchItem('Lab', 'queued')]);
    const { state, alarms } = setUp({ renewalList: [renewalRecord('done')], batch: async () => running });
    await state.publish();
    expect(await fakeBrowser.action.getBadgeText({})).toBe('1/2');
    expect(await fakeBrowser.action.getTitle({})).toBe('Token Relay is renewing 2 tokens: 1 done');
    expect(alarms).toEqual([`create ${RESUME_ALARM}`]);
  });
});
