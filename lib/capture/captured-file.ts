/** A file the page handed to the browser as a download, read before the browser saved it. */
export interface CapturedFile {
  via: 'blob' | 'data';
  fileName?: string;
  text: string;
}
