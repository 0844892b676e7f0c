import type { PageOutline } from '../lib/addigy-console/console-messages';
import { pageReportFile } from '../lib/page-report';

/** Saves a page report (an outline with no values in it) as a file, from the extension page itself. */
export function downloadPageReport(outline: PageOutline, site: 'addigy' | 'apple', path?: { route: string; controls: string[] }): void {
  const { fileName, json } = pageReportFile(outline, site, path);
  const url = URL.createObjectURL(new Blob([json], { type: 'application/json' }));
  const link = Object.assign(document.createElement('a'), { href: url, download: fileName });
  link.click();
  setTimeout(() => URL.revokeObjectURL(url), 10_000);
}
