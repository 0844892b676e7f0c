/**
 * A location's or organisation's name as Token Relay compares it, wherever names are matched (Apple's page, the
 * token file, the MDMs' lists, a batch's rows): one composed Unicode form (an "é" typed or pasted the other way is the
 * same letter), runs of white space as one space, no space around, lower case. Nothing else: names differ in more
 * than case and spacing are different names.
 */
export function sameName(name: string | null | undefined): string {
  return (name ?? '').normalize('NFC').replace(/\s+/g, ' ').trim().toLowerCase();
}
