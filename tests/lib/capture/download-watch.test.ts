import { describe, expect, it } from 'vitest';
import { DownloadWatch, downloadKey } from '../../../lib/capture/download-watch';

describe('DownloadWatch', () => {
  it('pairs a capture with the browser’s own download of the same file, suffixes and folders aside', () => {
    let now = 1_000;
    const watch = new DownloadWatch(() => now);
    watch.noteCapture('sToken_for_Main Campus.vpptoken');
    now += 5_000;
    expect(watch.isUncapturedToken({ id: 1, filename: '/home/a/Downloads/sToken_for_Main Campus (1).vpptoken' })).toBe(false);
  });

  it('notices a token download nothing captured, and only token downloads', () => {
    const watch = new DownloadWatch(() => 0);
    expect(watch.isUncapturedToken({ id: 1, filename: '/d/sToken_for_Warehouse.vpptoken' })).toBe(true);
    expect(watch.isUncapturedToken({ id: 2, filename: '/d/report.pdf' })).toBe(false);
    expect(watch.isUncapturedToken({ id: 3, filename: '/d/sToken_for_Warehouse.vpptoken.pdf' })).toBe(false);
  });

  it('forgets a capture after a while, and ignores its own downloads', () => {
    let now = 0;
    const watch = new DownloadWatch(() => now);
    watch.noteCapture('sToken_for_A.vpptoken');
    now += 10 * 60_000;
    expect(watch.isUncapturedToken({ id: 1, filename: 'sToken_for_A.vpptoken' })).toBe(true);
    watch.noteOwnDownload(7);
    expect(watch.isUncapturedToken({ id: 7, filename: 'sToken_for_B.vpptoken' })).toBe(false);
  });

  it('normalises names', () => {
    expect(downloadKey('C:\\Users\\a\\Downloads\\sToken_for_X (12).VPPTOKEN')).toBe('stoken_for_x.vpptoken');
  });
});
