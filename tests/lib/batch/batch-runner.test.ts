import { describe, expect, it } from 'vitest';
import { BatchRunner, detailsMismatch, MAX_HELD_TOKENS } from '../../../lib/batch/batch-runner';
import { batchWorld, districtToken } from './batch-test-world';

/** Eleven due locations and one that is not. */
const district = () => [...Array.from({ length: 11 }, (_, i) => districtToken(i + 1)), districtToken(12, 'valid')];

async function started(world: ReturnType<typeof batchWorld>) {
  const runner = new BatchRunner(world.deps);
  const proposed = await runner.propose({ site: 'https://school.apple.com' });
  if (!proposed.ok || !('batch' in proposed.value)) throw new Error('no batch proposed');
  return { runner, batch: proposed.value.batch };
}

/** The page hands over the pressed location's file; the MDM's window shows its details; the batch answers. */
async function relayPressed(world: ReturnType<typeof batchWorld>, runner: BatchRunner, tab = 7) {
  const location = world.pressed.at(-1)!;
  expect(await runner.takeCapture(tab, world.fileFor(location))).toBe(true);
  const batch = (await world.store.list())[0]!;
  const item = batch.items.find((i) => i.locationName === location)!;
  await runner.renewalChanged(item.renewalId!);
  return item.renewalId!;
}

describe('BatchRunner', () => {
  it('proposes only the due tokens on the page, downloads nothing before the yes, then each location once, in turn', async () => {
    const world = batchWorld({ tokens: district() });
    const { runner, batch } = await started(world);
    expect(batch.items.map((i) => i.locationName)).toEqual(Array.from({ length: 11 }, (_, i) => `School ${i + 1}`));
    expect(world.pressed).toEqual([]);

    await runner.confirm(batch.id);
    expect(world.pressed).toEqual(['School 1']);
    const ids: string[] = [];
    for (let n = 1; n <= 11; n++) {
      ids.push(await relayPressed(world, runner));
      // Confirmed by the batch because Addigy's window shows what the admin said yes to.
      expect(world.confirmed).toContain(ids.at(-1));
      // The renewal finishes later; a few are held at most.
      if (ids.length >= MAX_HELD_TOKENS) {
        const id = ids[ids.length - MAX_HELD_TOKENS]!;
        world.finish(id);
        await runner.renewalChanged(id);
      }
      if (n < 11) expect(world.pressed.at(-1)).toBe(`School ${n + 1}`);
    }
    for (const id of ids.slice(-MAX_HELD_TOKENS + 1)) {
      world.finish(id);
      await runner.renewalChanged(id);
    }
    const done = (await world.store.get(batch.id))!;
    expect(done.step).toBe('finished');
    expect(done.items.every((i) => i.state === 'renewed')).toBe(true);
    expect(world.pressed).toHaveLength(11);
    expect(new Set(world.pressed).size).toBe(11);
    expect(world.pressed).not.toContain('School 12');
  });

  it('holds at most three tokens: the next Download waits until one of them is renewed', async () => {
    const world = batchWorld({ tokens: district() });
    const { runner, batch } = await started(world);
    await runner.confirm(batch.id);
    const ids = [await relayPressed(world, runner), await relayPressed(world, runner), await relayPressed(world, runner)];
    expect(world.pressed).toHaveLength(3);
    world.finish(ids[0]!);
    await runner.renewalChanged(ids[0]!);
    expect(world.pressed).toHaveLength(4);
  });

  it('shares one console tab: the next renewal reuses the tab the last one used', async () => {
    const world = batchWorld({ tokens: district() });
    const { runner, batch } = await started(world);
    await runner.confirm(batch.id);
    await relayPressed(world, runner);
    const second = await relayPressed(world, runner);
    expect(world.renewals.get(second)!.console?.tabId).toBe(99);
    expect((await world.store.get(batch.id))!.consoleTabId).toBe(99);
  });

  it('does not save a token whose MDM window shows something else: that row needs the admin, the rest go on', async () => {
    const world = batchWorld({ tokens: district() });
    world.shows.set('School 2', { idNumber: 'UID-999' });
    const { runner, batch } = await started(world);
    await runner.confirm(batch.id);
    await relayPressed(world, runner);
    const second = await relayPressed(world, runner);
    expect(world.confirmed).not.toContain(second);
    const row = (await world.store.get(batch.id))!.items[1]!;
    expect(row.state).toBe('needs-you');
    expect(row.problem?.message).toContain('ID number UID-999');
    // It keeps its own page for the admin: the next location gets a new tab.
    expect(world.pressed.at(-1)).toBe('School 3');
    const third = await relayPressed(world, runner);
    expect(world.renewals.get(third)!.console?.tabId).toBe(99);
    expect((await world.store.get(batch.id))!.items[2]!.state).toBe('relaying');
  });

  it('goes on past a location the page could not download, and past a renewal the MDM refused', async () => {
    const world = batchWorld({ tokens: district() });
    world.refusePress.add('School 1');
    const { runner, batch } = await started(world);
    await runner.confirm(batch.id);
    expect(world.pressed).toEqual(['School 2']);
    const id = await relayPressed(world, runner);
    world.finish(id, 'failed');
    await runner.renewalChanged(id);
    const after = (await world.store.get(batch.id))!;
    expect(after.items[0]!.state).toBe('failed');
    expect(after.items[1]!.state).toBe('failed');
    expect(after.items[1]!.problem?.message).toBe('Addigy refused the file.');
    expect(world.pressed.at(-1)).toBe('School 3');

    // Retry of that row alone: its renewal again, with the token it still holds, no new download.
    const before = world.pressed.length;
    await runner.retryItem(batch.id, 'loc-2');
    expect((await world.store.get(batch.id))!.items[1]!.state).toBe('relaying');
    expect(world.pressed).toHaveLength(before);
  });

  it('Cancel stops before the next download; what is downloaded still goes to its MDM', async () => {
    const world = batchWorld({ tokens: district() });
    const { runner, batch } = await started(world);
    await runner.confirm(batch.id);
    const id = await relayPressed(world, runner);
    await runner.cancel(batch.id);
    const cancelled = (await world.store.get(batch.id))!;
    expect(cancelled.items.slice(2).every((i) => i.state === 'cancelled')).toBe(true);
    // School 2 had been pressed before Cancel: its file is still taken and relayed.
    expect(await runner.takeCapture(7, world.fileFor('School 2'))).toBe(true);
    for (const renewal of [id, cancelled.items[1]!.renewalId ?? (await world.store.get(batch.id))!.items[1]!.renewalId!]) {
      await runner.renewalChanged(renewal);
      world.finish(renewal);
      await runner.renewalChanged(renewal);
    }
    expect(world.pressed).toEqual(['School 1', 'School 2']);
    const end = (await world.store.get(batch.id))!;
    expect(end.step).toBe('cancelled');
    expect(end.finishedAt).toBeDefined();
  });

  it('after a worker restart, goes on without pressing any Download twice', async () => {
    const world = batchWorld({ tokens: district() });
    const { runner, batch } = await started(world);
    await runner.confirm(batch.id);
    await relayPressed(world, runner);
    expect(world.pressed).toEqual(['School 1', 'School 2']);

    // A new worker: its memory is gone, the stored batch is not. School 2's file comes within the minute.
    const restarted = new BatchRunner(world.deps);
    await restarted.resume();
    expect(world.pressed).toEqual(['School 1', 'School 2']);
    expect(await restarted.takeCapture(7, world.fileFor('School 2'))).toBe(true);
  });

  it('a download whose file never came fails after a minute and is not pressed again', async () => {
    const world = batchWorld({ tokens: district() });
    const { runner, batch } = await started(world);
    await runner.confirm(batch.id);
    world.advance(61_000);
    await new Promise((r) => setTimeout(r, 0));
    await runner.resume();
    const after = (await world.store.get(batch.id))!;
    expect(after.items[0]!.state).toBe('failed');
    expect(after.items[0]!.problem?.message).toContain('Downloads folder');
    expect(world.pressed).toEqual(['School 1', 'School 2']);
    expect(await runner.takeCapture(7, world.fileFor('School 1'))).toBe(false);
  });

  it('admits no capture before the yes, from another tab, or for a location not pressed', async () => {
    const world = batchWorld({ tokens: district() });
    const { runner, batch } = await started(world);
    expect(await runner.takeCapture(7, world.fileFor('School 1'))).toBe(false);
    await runner.confirm(batch.id);
    expect(await runner.takeCapture(8, world.fileFor('School 1'))).toBe(false);
    expect(await runner.takeCapture(7, world.fileFor('School 5'))).toBe(false);
    expect(await runner.takeCapture(7, world.fileFor('School 12'))).toBe(false);
    expect(await runner.takeCapture(7, world.fileFor('School 1'))).toBe(true);
    expect(await runner.takeCapture(7, world.fileFor('School 1'))).toBe(false);
  });

  it('says plainly when nothing on the page is due, and opens Apple’s page when none is open', async () => {
    const calm = batchWorld({ tokens: [districtToken(12, 'valid')] });
    const none = await new BatchRunner(calm.deps).propose({ site: 'https://school.apple.com' });
    expect(none.ok ? 'ok' : none.error.kind).toBe('batch-nothing-due');
    const closed = batchWorld({ tokens: district() });
    closed.deps.apple.findTab = async () => undefined;
    const opened = await new BatchRunner(closed.deps).propose({ site: 'https://school.apple.com' });
    expect(opened.ok && opened.value).toEqual({ openedApplePage: true });
  });

  it('refuses a second batch while one runs, and says so when Apple’s page lists no locations; the running one is untouched', async () => {
    const world = batchWorld({ tokens: district() });
    const { runner, batch } = await started(world);
    await runner.confirm(batch.id);
    const again = await runner.propose({ site: 'https://school.apple.com' });
    expect(again.ok ? 'ok' : again.error.kind).toBe('batch-running');
    expect((await world.store.get(batch.id))!.step).toBe('running');
    expect(world.pressed).toEqual(['School 1']);

    const unread = batchWorld({ tokens: district(), pageLocations: [] });
    const none = await new BatchRunner(unread.deps).propose({ site: 'https://school.apple.com' });
    expect(none.ok ? 'ok' : none.error).toMatchObject({ kind: 'batch-no-section', nextStep: expect.stringContaining('Content Tokens') });
    expect(await unread.store.list()).toEqual([]);
    expect(unread.pressed).toEqual([]);
  });

  it('compares the MDM window with the confirmed row', () => {
    const row = { locationName: 'School 1', orgName: 'Springfield District' };
    const shown = { name: 'School  1', organization: 'springfield district', idNumber: 'UID-1', appleId: 'x' };
    expect(detailsMismatch(shown, row, 'UID-1')).toBeUndefined();
    expect(detailsMismatch(shown, row, undefined)).toBeUndefined();
    expect(detailsMismatch(shown, row, 'UID-2')).toContain('ID number');
    expect(detailsMismatch(shown, row, null)).toContain('Apple could not be asked');
    expect(detailsMismatch({ ...shown, name: 'School 2' }, row, 'UID-1')).toContain('name School 2');
    expect(detailsMismatch({ ...shown, organization: 'Shelbyville' }, row, 'UID-1')).toContain('organisation');
  });
});
