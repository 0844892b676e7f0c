import { describe, expect, it } from 'vitest';
import { ARMED_MS, CLICKED_MS, createDownloadIntent } from '../../../lib/capture/download-intent';

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
