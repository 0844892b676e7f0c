import { describe, expect, it } from 'vitest';
import { BADGE_COLORS, computeBadge } from '../../../lib/badge';
import { renewalRecord } from '../../support/renewal-record-factory';

const record = renewalRecord;

describe('computeBadge', () => {
  it('is empty when nothing needs the user', () => {
    expect(computeBadge([]).text).toBe('');
    expect(computeBadge([record('done'), record('discarded')]).text).toBe('');
  });

  it('shows the count awaiting confirmation in amber', () => {
    const badge = computeBadge([record('awaiting-confirmation'), record('awaiting-confirmation'), record('done')]);
    expect(badge).toMatchObject({ text: '2', color: BADGE_COLORS.attention });
    expect(badge.title).toMatch(/2 tokens awaiting your confirmation/);
  });

  it('a guided renewal needs the admin in Addigy’s tab: amber, said in words, not just “in progress”', () => {
    const guided = record('handing-over', { console: { tabId: 1, since: 'x', guide: { say: 'Choose Renew.', since: 'x' } } });
    const badge = computeBadge([guided, record('scanning')]);
    expect(badge).toMatchObject({ text: '1', color: BADGE_COLORS.attention });
    expect(badge.title).toBe('Token Relay: Addigy needs your clicks in the tab Token Relay opened');
  });

  it('shows work in progress in blue', () => {
    expect(computeBadge([record('scanning')])).toMatchObject({ text: '…', color: BADGE_COLORS.busy });
  });

  it('lets a failure win over everything, until it is dismissed', () => {
    const failed = record('failed');
    const all = [failed, record('awaiting-confirmation'), record('renewing')];
    expect(computeBadge(all, { unhealthy: [], soonest: { locationName: 'X', daysLeft: 3 } })).toMatchObject({ text: '!', color: BADGE_COLORS.alert });
    failed.dismissed = true;
    expect(computeBadge(all).text).toBe('1');
  });

  it('orders: unhealthy token > awaiting > expiring soon > in progress', () => {
    const soon = { locationName: 'North High', daysLeft: 12 };
    expect(computeBadge([record('renewing')], { unhealthy: ['North High'] }).text).toBe('!');
    expect(computeBadge([record('awaiting-confirmation')], { unhealthy: [], soonest: soon }).text).toBe('1');
    const expiring = computeBadge([record('renewing')], { unhealthy: [], soonest: soon });
    expect(expiring).toMatchObject({ text: '12d', color: BADGE_COLORS.attention });
    expect(expiring.title).toBe('Token Relay: the token for North High expires in 12 days');
  });
});
