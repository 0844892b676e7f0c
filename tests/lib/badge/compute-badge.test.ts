import { describe, expect, it } from 'vitest';
import { BADGE_COLORS, computeBadge } from '../../../lib/badge';
import { renewalRecord } from '../../support/renewal-record-factory';
import { batchItem, batchRecord, batchRows } from '../../support/batch-record-factory';

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

describe('computeBadge with a batch (issue 22)', () => {
  it('shows a running batch as renewed/total in blue, with the news in words', () => {
    const batch = batchRecord('running', batchRows(11, 7));
    const badge = computeBadge([record('scanning')], { unhealthy: [] }, batch);
    expect(badge).toEqual({ text: '7/11', color: BADGE_COLORS.busy, title: 'Token Relay is renewing 11 tokens: 7 done' });
  });

  it('a running batch wins over the unhealthy tokens it is renewing and over a failed row', () => {
    const batch = batchRecord('running', [batchItem('North High', 'renewed'), batchItem('Lab', 'failed'), batchItem('Annex', 'relaying')]);
    const badge = computeBadge([record('failed'), record('renewing')], { unhealthy: ['Lab', 'Annex'] }, batch);
    expect(badge).toMatchObject({ text: '1/3', color: BADGE_COLORS.busy });
    expect(badge.title).toBe('Token Relay is renewing 3 tokens: 1 done; 1 failed');
  });

  it('a row that needs the admin turns the batch badge amber, as an awaiting renewal does', () => {
    const batch = batchRecord('running', [batchItem('North High', 'needs-you'), batchItem('Lab', 'queued')]);
    const badge = computeBadge([], { unhealthy: [] }, batch);
    expect(badge).toMatchObject({ text: '0/2', color: BADGE_COLORS.attention });
    expect(badge.title).toBe('Token Relay is renewing 2 tokens: 0 done; 1 needs you in the popup');
  });

  it('a batch renewal waiting for the admin in Addigy’s tab turns it amber too', () => {
    const signIn = record('handing-over', { console: { tabId: 1, since: 'x', signInSince: 'x' } });
    const badge = computeBadge([signIn], { unhealthy: [] }, batchRecord('running', [batchItem('North High', 'relaying')]));
    expect(badge).toMatchObject({ text: '0/1', color: BADGE_COLORS.attention });
    expect(badge.title).toMatch(/Addigy needs you in the tab Token Relay opened/);
  });

  it('a proposed batch awaits the admin’s yes: its size in amber, after failures', () => {
    const batch = batchRecord('proposed', batchRows(11, 0));
    const badge = computeBadge([], { unhealthy: [], soonest: { locationName: 'School 01', daysLeft: 12 } }, batch);
    expect(badge).toMatchObject({ text: '11', color: BADGE_COLORS.attention });
    expect(badge.title).toBe('Token Relay: 11 tokens of Springfield Schools ready to renew, awaiting your confirmation');
    expect(computeBadge([record('failed')], { unhealthy: [] }, batch).text).toBe('!');
  });

  it('a finished batch that left rows not renewed raises the alert until its summary is closed', () => {
    const items = [batchItem('North High', 'renewed'), batchItem('Lab', 'failed')];
    const finished = computeBadge([], { unhealthy: [] }, batchRecord('finished', items));
    expect(finished).toMatchObject({ text: '!', color: BADGE_COLORS.alert, title: 'Token Relay: the batch left 1 of 2 not renewed' });
    expect(computeBadge([], { unhealthy: [] }, batchRecord('finished', items, { dismissed: true })).text).toBe('');
    expect(computeBadge([], { unhealthy: [] }, batchRecord('finished', batchRows(2, 2))).text).toBe('');
  });
});
