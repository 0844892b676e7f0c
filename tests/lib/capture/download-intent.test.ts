import { afterEach, describe, expect, it } from 'vitest';
import { ARMED_MS, CLICKED_MS, createDownloadIntent, markBatchClick } from '../../../lib/capture/download-intent';

describe('DownloadIntent', () => {
  it('claims one navigation per Download click, within a short window', () => {
    let now = 0;
    const intent = createDownloadIntent(() => now);
    expect(intent.claimNavigation()).toBe(false);
    intent.noteControlClick();
    now += 500;
    expect(intent.claimNavigation()).toBe(true);
    expect(intent.claimNavigation()).toBe(false);
    intent.noteControlClick();
    now += CLICKED_MS + 1;
    expect(intent.claimNavigation()).toBe(false);
  });

  it('marks the capture that follows a Send to Addigy click, once', () => {
    let now = 0;
    const intent = createDownloadIntent(() => now);
    expect(intent.takeArmed()).toBe(false);
    intent.arm();
    intent.noteControlClick();
    now += 2_000;
    expect(intent.claimNavigation()).toBe(true);
    expect(intent.takeArmed()).toBe(true);
    expect(intent.takeArmed()).toBe(false);
  });

  it('forgets the click once its file was captured, so a later navigation is left alone', () => {
    const intent = createDownloadIntent(() => 1_000);
    intent.noteControlClick();
    expect(intent.takeArmed()).toBe(false);
    expect(intent.claimNavigation()).toBe(false);
  });

  it('lets an armed button wait longer than a plain click, then forgets it', () => {
    let now = 0;
    const intent = createDownloadIntent(() => now);
    intent.arm();
    intent.noteControlClick();
    now += CLICKED_MS + 1_000;
    expect(intent.claimNavigation()).toBe(true);
    intent.arm();
    now += ARMED_MS + 1;
    expect(intent.claimNavigation()).toBe(false);
    expect(intent.takeArmed()).toBe(false);
  });

  it('tells whether a capture follows the user\'s click within 10 s, once per click', () => {
    let now = 0;
    const intent = createDownloadIntent(() => now);
    expect(intent.takeTrustedClick()).toBe(false);
    intent.noteControlClick();
    now += CLICKED_MS;
    expect(intent.takeTrustedClick()).toBe(true);
    expect(intent.takeTrustedClick()).toBe(false);
    intent.arm();
    now += CLICKED_MS + 1;
    expect(intent.takeTrustedClick()).toBe(false);
  });
});

describe('the batch script\'s click (markBatchClick, issue 22)', () => {
  // The mark lives in the isolated world's global, shared with every intent of this frame: leave none behind.
  afterEach(() => {
    createDownloadIntent(() => 0).claimNavigation();
  });

  it('the navigation that follows within 10 s is claimed, once', () => {
    let now = 1_000;
    const intent = createDownloadIntent(() => now);
    expect(intent.claimNavigation()).toBe(false);
    markBatchClick(now);
    now += CLICKED_MS - 1;
    expect(intent.claimNavigation()).toBe(true);
    expect(intent.claimNavigation()).toBe(false);
  });

  it('is forgotten after 10 s', () => {
    let now = 1_000;
    const intent = createDownloadIntent(() => now);
    markBatchClick(now);
    now += CLICKED_MS;
    expect(intent.claimNavigation()).toBe(false);
  });

  it('is no trusted click and no button: the capture it brings is not marked as the user\'s', () => {
    const intent = createDownloadIntent(() => 1_000);
    markBatchClick(1_000);
    expect(intent.takeTrustedClick()).toBe(false);
    expect(intent.takeArmed()).toBe(false);
  });

  it('a user\'s click is still claimed as before while no batch click is marked', () => {
    let now = 0;
    const intent = createDownloadIntent(() => now);
    intent.noteControlClick();
    now += 500;
    expect(intent.claimNavigation()).toBe(true);
    expect(intent.claimNavigation()).toBe(false);
  });
});
