import { describe, expect, it, vi } from 'vitest';
import { fireEvent, render, screen, within } from '@testing-library/preact';
import { TokenOverview } from '../../components/TokenOverview';
import type { HealthState, TokenHealth } from '../../lib/health/health-state';

const NOW = new Date('2026-03-01T12:00:00Z');
const DAY = 86_400_000;
const inDays = (n: number) => new Date(NOW.getTime() + n * DAY).toISOString();

function entry(locationName: string, state: HealthState, daysLeft: number | undefined, extra: Partial<TokenHealth> = {}): TokenHealth {
  return {
    locationId: `loc-${locationName.toLowerCase().replace(/\W+/g, '-')}`,
    locationName,
    orgName: 'Acme Corp',
    websiteURL: 'https://business.apple.com',
    ...(daysLeft === undefined ? { expirySource: 'unknown' as const } : { expiresAt: inDays(daysLeft), daysLeft, expirySource: 'addigy' as const }),
    lastSync: inDays(-1),
    state,
    reason: `Because ${locationName} is ${state}.`,
    ...extra,
  };
}

const ALL: TokenHealth[] = [
  entry('Warehouse', 'valid', 200),
  entry('Studio', 'syncing', 150),
  entry('Design', 'other-mdm', 90, { nextStep: 'Decide which MDM manages this location.' }),
  entry('Main Campus', 'expiring-soon', 12),
  entry('Annex', 'sync-failed', 100, { nextStep: 'Press Scan Now.' }),
  entry('Old Site', 'expired', -3, { nextStep: 'Download a fresh token.' }),
  entry('North High', 'invalid', 300, { websiteURL: 'https://school.apple.com' }),
  entry('Lab', 'revoked', 320, { nextStep: 'Download a fresh token. Only the newest download works.' }),
];

const LABELS: Record<HealthState, string> = {
  revoked: 'Revoked',
  invalid: 'Invalid',
  expired: 'Expired',
  'sync-failed': 'Sync failed',
  'other-mdm': 'In use by another MDM',
  'expiring-soon': 'Expiring soon',
  syncing: 'Syncing',
  valid: 'Valid',
};

const items = () => within(screen.getByRole('list')).getAllByRole('listitem');
const itemFor = (name: string) => items().find((li) => within(li).queryByRole('heading', { name }))!;

describe('TokenOverview', () => {
  it('lists every token under a "Tokens" heading, the ones that need the admin first', () => {
    render(<TokenOverview health={ALL} now={NOW} />);
    expect(screen.getByRole('heading', { level: 2, name: 'Tokens' })).toBeTruthy();
    expect(items().map((li) => within(li).getByRole('heading', { level: 3 }).textContent)).toEqual([
      'Lab',
      'North High',
      'Old Site',
      'Annex',
      'Design',
      'Main Campus',
      'Studio',
      'Warehouse',
    ]);
    expect(screen.getByText('Of 8 tokens: 5 need attention, 1 expiring soon.')).toBeTruthy();
  });

  it('says each state in words, with its reason', () => {
    render(<TokenOverview health={ALL} now={NOW} />);
    for (const h of ALL) {
      const li = itemFor(h.locationName);
      expect(within(li).getByText(LABELS[h.state]).className).toBe('pill');
      expect(within(li).getByText(h.reason)).toBeTruthy();
      expect(within(li).getByText('Acme Corp')).toBeTruthy();
    }
  });

  it('shows expiry as a date and in days, and the last successful sync', () => {
    const unknown = entry('Nowhere', 'valid', undefined, { lastSync: undefined });
    const renewedHere = entry('Branch', 'valid', 1, { expirySource: 'last-renewal' });
    render(<TokenOverview health={[...ALL, unknown, renewedHere]} now={NOW} />);
    const expiresOf = (name: string) => {
      const term = within(itemFor(name)).getByText('Expires', { selector: 'dt' });
      return term.nextElementSibling!;
    };
    expect(expiresOf('Main Campus').textContent).toMatch(/\(in 12 days\)$/);
    expect(expiresOf('Main Campus').querySelector('time')?.getAttribute('datetime')).toBe(inDays(12));
    expect(expiresOf('Old Site').textContent).toMatch(/\(3 days ago\)$/);
    expect(expiresOf('Branch').textContent).toMatch(/\(in 1 day\) · from the last renewal made here$/);
    expect(expiresOf('Nowhere').textContent).toBe('unknown');

    const lastSyncOf = (name: string) => within(itemFor(name)).getByText('Last successful sync', { selector: 'dt' }).nextElementSibling!;
    expect(lastSyncOf('Warehouse').querySelector('time')?.getAttribute('datetime')).toBe(inDays(-1));
    expect(lastSyncOf('Nowhere').textContent).toBe('unknown');
  });

  it('offers Renew, to the right Apple site, on every unhealthy or expiring token only', () => {
    render(<TokenOverview health={ALL} now={NOW} />);
    const renewLinks = screen.getAllByRole('link', { name: /^Renew / });
    expect(renewLinks.map((a) => a.textContent)).toEqual([
      'Renew Lab in Apple Business Manager',
      'Renew North High in Apple School Manager',
      'Renew Old Site in Apple Business Manager',
      'Renew Annex in Apple Business Manager',
      'Renew Main Campus in Apple Business Manager',
    ]);
    const school = screen.getByRole('link', { name: 'Renew North High in Apple School Manager' });
    expect(school.getAttribute('href')).toBe('https://school.apple.com/#/main/preferences/paymentsandbilling/appsandbooks');
    expect(school.getAttribute('target')).toBe('_blank');
    expect(school.getAttribute('rel')).toBe('noreferrer');
    for (const name of ['Warehouse', 'Studio', 'Design']) expect(within(itemFor(name)).queryByRole('link')).toBeNull();
  });

  it('says what to do for failures', () => {
    render(<TokenOverview health={ALL} now={NOW} />);
    expect(within(itemFor('Annex')).getByText('Press Scan Now.').textContent).toBe('What to do: Press Scan Now.');
  });

  it('snoozes an expiring token’s reminders when asked', () => {
    const onSnooze = vi.fn();
    render(<TokenOverview health={ALL} now={NOW} onSnooze={onSnooze} />);
    const buttons = screen.getAllByRole('button', { name: /^Snooze reminders/ });
    expect(buttons).toHaveLength(1);
    fireEvent.click(screen.getByRole('button', { name: 'Snooze reminders for Main Campus' }));
    expect(onSnooze).toHaveBeenCalledWith('loc-main-campus');
  });

  it('offers no snooze without a handler, and says when a snooze runs', () => {
    const { unmount } = render(<TokenOverview health={ALL} now={NOW} />);
    expect(screen.queryByRole('button')).toBeNull();
    unmount();
    render(<TokenOverview health={ALL} now={NOW} onSnooze={() => undefined} snoozedUntil={{ 'loc-main-campus': inDays(5), 'loc-annex': inDays(-1) }} />);
    expect(screen.queryByRole('button')).toBeNull();
    expect(within(itemFor('Main Campus')).getByText(/^Reminders snoozed until /)).toBeTruthy();
    expect(within(itemFor('Annex')).queryByText(/snoozed/)).toBeNull();
  });

  it('says all is fine when it is', () => {
    render(<TokenOverview health={[entry('Warehouse', 'valid', 200), entry('Studio', 'syncing', 100)]} now={NOW} />);
    expect(screen.getByText('All 2 tokens are fine.')).toBeTruthy();
  });

  it('says in words when there are no tokens, while loading, and when Addigy failed', () => {
    const { rerender } = render(<TokenOverview health={[]} now={NOW} />);
    expect(screen.getByText(/Addigy has no Apple Apps tokens yet/)).toBeTruthy();
    expect(screen.queryByRole('list')).toBeNull();

    rerender(<TokenOverview health={[]} loading now={NOW} />);
    expect(screen.getByRole('status').textContent).toBe('Loading the tokens from Addigy…');
    expect(screen.getByRole('region', { name: 'Tokens' }).getAttribute('aria-busy')).toBe('true');
    expect(screen.queryByText(/no Apple Apps tokens/)).toBeNull();

    rerender(<TokenOverview health={ALL} loading now={NOW} />);
    expect(screen.getByRole('status').textContent).toBe('Refreshing the tokens…');
    expect(items()).toHaveLength(ALL.length);

    rerender(<TokenOverview health={[]} problem={{ message: 'Addigy did not accept the API key.', nextStep: 'Open Options.' }} now={NOW} />);
    const alert = screen.getByRole('alert');
    expect(alert.textContent).toBe('Addigy did not accept the API key.Open Options.');
    expect(screen.queryByText(/no Apple Apps tokens/)).toBeNull();
  });
});
