import { describe, expect, it } from 'vitest';
import { parseContentDisposition } from '../../../lib/capture/content-disposition';

describe('parseContentDisposition', () => {
  it('reads Apple-style attachments, preferring the RFC 5987 name', () => {
    expect(
      parseContentDisposition(`attachment; filename="sToken_for_Main Campus.vpptoken"; filename*=UTF-8''sToken_for_M%C3%BCnchen.vpptoken`),
    ).toEqual({ attachment: true, fileName: 'sToken_for_München.vpptoken' });
    expect(parseContentDisposition('attachment; filename="sToken_for_Main Campus.vpptoken"')).toEqual({
      attachment: true,
      fileName: 'sToken_for_Main Campus.vpptoken',
    });
    expect(parseContentDisposition('Attachment;filename=report.pdf')).toEqual({ attachment: true, fileName: 'report.pdf' });
  });

  it('unescapes quoted names, decodes ISO-8859-1 and strips folders', () => {
    expect(parseContentDisposition('attachment; filename="a \\"quoted\\" name.vpptoken"').fileName).toBe('a "quoted" name.vpptoken');
    expect(parseContentDisposition("attachment; filename*=iso-8859-1'en'caf%E9.vpptoken").fileName).toBe('café.vpptoken');
    expect(parseContentDisposition('attachment; filename="../../etc/sToken_for_X.vpptoken"').fileName).toBe('sToken_for_X.vpptoken');
  });

  it('tells inline responses and missing headers from downloads', () => {
    expect(parseContentDisposition(null)).toEqual({ attachment: false });
    expect(parseContentDisposition('')).toEqual({ attachment: false });
    expect(parseContentDisposition('inline; filename="page.html"')).toEqual({ attachment: false, fileName: 'page.html' });
    expect(parseContentDisposition('attachment')).toEqual({ attachment: true });
    expect(parseContentDisposition('attachmentish; filename=x')).toMatchObject({ attachment: false });
  });

  it('survives malformed encodings', () => {
    expect(parseContentDisposition("attachment; filename*=UTF-8''%E0%A4%A.vpptoken; filename=\"fallback.vpptoken\"")).toEqual({
      attachment: true,
      fileName: 'fallback.vpptoken',
    });
  });
});
