import { describe, expect, it } from 'vitest';
import { sendButtonTarget } from '../../../lib/mdm/send-button-target';
import { SEND_TARGETS } from '../../../lib/mdm/send-target-key';

describe('sendButtonTarget', () => {
  it('stays Addigy with Addigy alone (one organisation or many) and before anything is connected', () => {
    expect(sendButtonTarget([])).toBe('Addigy');
    expect(sendButtonTarget(['addigy'])).toBe('Addigy');
    expect(sendButtonTarget(['addigy', 'addigy'])).toBe('Addigy');
  });
  it('names the MDM of a single other connection, and says MDM for several', () => {
    expect(sendButtonTarget(['jamf-pro'])).toBe('Jamf Pro');
    expect(sendButtonTarget(['intune'])).toBe('Microsoft Intune');
    expect(sendButtonTarget(['fleet'])).toBe('Fleet');
    expect(sendButtonTarget(['addigy', 'jamf-pro'])).toBe('MDM');
    expect(sendButtonTarget(['fleet', 'fleet'])).toBe('MDM');
  });
  it('only ever says what the content script accepts', () => {
    for (const kinds of [[], ['jamf-pro'], ['intune'], ['fleet'], ['addigy', 'fleet']] as const) {
      expect(SEND_TARGETS).toContain(sendButtonTarget([...kinds]));
    }
  });
});
