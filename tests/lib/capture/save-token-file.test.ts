import { describe, expect, it } from 'vitest';
import { safeTokenFileName, saveTokenFile, type DownloadsApi } from '../../../lib/capture/save-token-file';

describe('saveTokenFile', () => {
  it('saves exactly the relayed bytes under the page’s file name', async () => {
    const calls: Parameters<DownloadsApi['download']>[0][] = [];
    const id = await saveTokenFile({ download: async (o) => (calls.push(o), 42) }, { fileName: 'sToken_for_Main Campus.vpptoken', text: 'eyJhIjoiw6kifQ==' });
    expect(id).toBe(42);
    expect(calls[0]).toMatchObject({ filename: 'sToken_for_Main Campus.vpptoken', conflictAction: 'uniquify', saveAs: false });
    const url = calls[0]!.url;
    expect(atob(url.slice(url.indexOf(',') + 1))).toBe('eyJhIjoiw6kifQ==');
  });

  it('never lets a page choose a folder or another extension', () => {
    expect(safeTokenFileName('../../.bashrc')).toBe('sToken.vpptoken');
    expect(safeTokenFileName('C:\\evil\\x.exe')).toBe('x.exe.vpptoken');
    expect(safeTokenFileName(undefined)).toBe('sToken.vpptoken');
    expect(safeTokenFileName('sToken_for_A:B.vpptoken')).toBe('sToken_for_A_B.vpptoken');
  });
});
