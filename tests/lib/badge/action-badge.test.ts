import { describe, expect, it } from 'vitest';
import { fakeBrowser } from 'wxt/testing/fake-browser';
import { BADGE_COLORS, computeBadge, showBadge, type TokenWatch } from '../../../lib/badge';
import type { RenewalRecord } from '../../../lib/renewal/renewal-record';
import { renewalRecord } from '../../support/renewal-record-factory';

// WXT's fake browser implements action.setBadgeText/BackgroundColor/Title and their getters,
// so the real global badge state is read back here, as the toolbar would show it.

const record = renewalRecord;

/** The fake reports colours as Chrome does: [r, g, b, alpha]. */
function rgba(hex: string): number[] {
  const n = Number.parseInt(hex.slice(1), 16);
  return [(n >> 16) & 255, (n >> 8) & 255, n & 255, 255];
}

async function toolbar() {
  const action = fakeBrowser.action;
  return {
    text: await action.getBadgeText({}),
    color: await action.getBadgeBackgroundColor({}),
    title: await action.getTitle({}),
  };
}

async function show(renewals: RenewalRecord[], watch?: TokenWatch) {
  await showBadge(fakeBrowser.action, computeBadge(renewals, watch));
  return toolbar();
}

describe('showBadge', () => {
  it('shows a failure as a red "!" and says what failed', async () => {
    expect(await show([record('failed'), record('awaiting-confirmation')])).toEqual({
      text: '!',
      color: rgba(BADGE_COLORS.alert),
      title: 'Token Relay: 1 renewal failed',
    });
  });

  it('shows an unhealthy token as a red "!" naming it', async () => {
    expect(await show([record('awaiting-confirmation')], { unhealthy: ['North High'] })).toEqual({
      text: '!',
      color: rgba(BADGE_COLORS.alert),
      title: 'Token Relay: needs attention: North High',
    });
  });

  it('shows the count awaiting confirmation in amber', async () => {
    const soon = { unhealthy: [], soonest: { locationName: 'Main Campus', daysLeft: 5 } };
    expect(await show([record('awaiting-confirmation'), record('awaiting-confirmation'), record('renewing')], soon)).toEqual({
      text: '2',
      color: rgba(BADGE_COLORS.attention),
      title: 'Token Relay: 2 tokens awaiting your confirmation',
    });
  });

  it('shows days left for a token expiring soon in amber', async () => {
    expect(await show([record('scanning')], { unhealthy: [], soonest: { locationName: 'Main Campus', daysLeft: 5 } })).toEqual({
      text: '5d',
      color: rgba(BADGE_COLORS.attention),
      title: 'Token Relay: the token for Main Campus expires in 5 days',
    });
  });

  it('shows work in progress in blue', async () => {
    expect(await show([record('scanning'), record('done')])).toEqual({
      text: '…',
      color: rgba(BADGE_COLORS.busy),
      title: 'Token Relay: renewal in progress',
    });
  });

  it('clears the badge text when nothing needs the user', async () => {
    expect(await show([record('done'), record('discarded')])).toEqual({
      text: '',
      color: rgba(BADGE_COLORS.busy),
      title: 'Token Relay: all tokens fine',
    });
  });

  it('sets the global badge, not one tab’s', async () => {
    await show([record('failed')]);
    expect(await fakeBrowser.action.getBadgeText({ tabId: 7 })).toBe('');
    expect(await fakeBrowser.action.getBadgeText({})).toBe('!');
  });

  it('lets a lower-priority state replace a higher one once that is cleared', async () => {
    const failed = record('failed');
    const waiting = record('awaiting-confirmation');
    const renewals = [failed, waiting];

    expect((await show(renewals)).text).toBe('!');

    // The user dismissed the failure: the waiting renewal is the news now.
    failed.dismissed = true;
    expect(await show(renewals)).toEqual({
      text: '1',
      color: rgba(BADGE_COLORS.attention),
      title: 'Token Relay: 1 token awaiting your confirmation',
    });

    // Confirmed: it is being renewed.
    waiting.step = 'renewing';
    expect(await show(renewals)).toMatchObject({ text: '…', color: rgba(BADGE_COLORS.busy) });

    // Done: nothing left on the badge, and no stale tooltip.
    waiting.step = 'done';
    expect(await show(renewals)).toEqual({ text: '', color: rgba(BADGE_COLORS.busy), title: 'Token Relay: all tokens fine' });
  });
});
