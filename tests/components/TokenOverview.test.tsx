import { describe, expect, it, vi } from 'vitest';
import { fireEvent, render, screen, waitFor, within } from '@testing-library/preact';
import { FIRST_FRAME_ROWS, TokenOverview } from '../../components/TokenOverview';
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
    // Eight tokens: full cards, everything shown.
    render(<TokenOverview health={[...ALL.slice(0, 6), unknown, renewedHere]} now={NOW} />);
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

/** `n` valid tokens of one organisation in one connection, named "<prefix> 01"… */
function many(n: number, prefix: string, extra: Partial<TokenHealth> = {}): TokenHealth[] {
  return Array.from({ length: n }, (_, i) =>
    entry(`${prefix} ${String(i + 1).padStart(2, '0')}`, 'valid', 100 + i, { locationId: `${prefix}-${i}`, ...extra }),
  );
}

describe('TokenOverview at MSP scale', () => {
  const JAMF = { connectionName: 'Jamf Pro (Acme)', mdm: 'jamf-pro' as const };
  /** Two connections (Addigy, Jamf Pro), two organisations, nine tokens: three groups. */
  const MIXED: TokenHealth[] = [
    entry('Warehouse', 'valid', 200),
    entry('Main Campus', 'expiring-soon', 12),
    entry('Depot', 'valid', 150, { orgName: 'Globex' }),
    entry('Tower', 'sync-failed', 100, { orgName: 'Globex', nextStep: 'Press Scan Now.' }),
    entry('Jamf HQ', 'expiring-soon', 20, JAMF),
    entry('Jamf Lab', 'other-mdm', 80, { ...JAMF, locationId: 'jamf:2' }),
    entry('Depot 2', 'valid', 160, { orgName: 'Globex' }),
    entry('Jamf Annex', 'valid', 300, JAMF),
    entry('Yard', 'valid', 250),
  ];
  const groupHeadings = () => screen.queryAllByRole('heading', { level: 3 }).map((h) => h.textContent);
  /** A compact row's name: the first text of its disclosure button. */
  const rowName = (li: Element) => li.querySelector('button')!.firstChild!.textContent!.trim();
  const namesIn = (group: string) => within(screen.getByRole('list', { name: group })).getAllByRole('listitem').map(rowName);

  it('groups many tokens by connection and organisation, the group with the most urgent token first', () => {
    render(<TokenOverview health={MIXED} now={NOW} />);
    // Globex holds a failure, Jamf Pro a token used by another MDM, Acme's Addigy only an expiring one.
    expect(groupHeadings()).toEqual(['Addigy · Globex', 'Jamf Pro (Acme) · Acme Corp', 'Addigy · Acme Corp']);
    expect(namesIn('Addigy · Globex')).toEqual(['Tower', 'Depot', 'Depot 2']);
    expect(namesIn('Jamf Pro (Acme) · Acme Corp')).toEqual(['Jamf Lab', 'Jamf HQ', 'Jamf Annex']);
    expect(namesIn('Addigy · Acme Corp')).toEqual(['Main Campus', 'Warehouse', 'Yard']);
    for (const li of document.querySelectorAll<HTMLElement>('li[data-state]')) expect(within(li).getByRole('heading', { level: 4 })).toBeTruthy();
    expect(screen.getAllByText(/^\d+ tokens?/, { selector: '.group-head span' }).map((span) => span.textContent)).toEqual([
      '3 tokens, 1 needs attention',
      '3 tokens, 1 needs attention',
      '3 tokens',
    ]);
    expect(screen.getByText('Of 9 tokens across 2 connections: 2 need attention, 2 expiring soon.')).toBeTruthy();
    expect(document.querySelectorAll('li[data-state]')).toHaveLength(9);
  });

  it('keeps a handful of tokens as one list of full cards, naming the connection when there are several', () => {
    render(<TokenOverview health={MIXED.slice(0, 6)} now={NOW} />);
    expect(screen.getAllByRole('list')).toHaveLength(1);
    expect(items().map((li) => within(li).getByRole('heading', { level: 3 }).textContent)).toEqual([
      'Tower',
      'Jamf Lab',
      'Main Campus',
      'Jamf HQ',
      'Depot',
      'Warehouse',
    ]);
    expect(within(itemFor('Jamf HQ')).getByText('Jamf Pro (Acme) · Acme Corp')).toBeTruthy();
    expect(within(itemFor('Tower')).getByText('Addigy · Globex')).toBeTruthy();
    expect(within(itemFor('Warehouse')).getByText('Because Warehouse is valid.')).toBeTruthy();
    expect(screen.getByText('Of 6 tokens across 2 connections: 2 need attention, 2 expiring soon.')).toBeTruthy();
    expect(screen.queryByRole('searchbox')).toBeNull();
    expect(screen.queryByRole('button')).toBeNull();
  });

  it('keeps a handful of tokens of one connection and two organisations as one list, as before', () => {
    render(<TokenOverview health={MIXED.slice(0, 4)} now={NOW} />);
    expect(screen.getAllByRole('list')).toHaveLength(1);
    expect(within(itemFor('Tower')).getByText('Globex')).toBeTruthy();
    expect(screen.getByText('Of 4 tokens: 1 needs attention, 1 expiring soon.')).toBeTruthy();
  });

  it('sorts within a group by urgency, then by the soonest expiry, then by name', () => {
    const health = [
      entry('B', 'valid', 50, JAMF),
      entry('A', 'valid', 50, JAMF),
      entry('Soon', 'expiring-soon', 3, JAMF),
      entry('Sooner', 'expiring-soon', 1, JAMF),
      entry('Gone', 'expired', -1, JAMF),
      ...many(4, 'Other'),
    ];
    render(<TokenOverview health={health} now={NOW} />);
    expect(groupHeadings()).toEqual(['Jamf Pro (Acme) · Acme Corp', 'Addigy · Acme Corp']);
    expect(namesIn('Jamf Pro (Acme) · Acme Corp')).toEqual(['Gone', 'Sooner', 'Soon', 'A', 'B']);
  });

  it('names a group by its connection alone when the token names no organisation', () => {
    render(<TokenOverview health={[entry('Loose', 'valid', 40, { orgName: '', ...JAMF }), ...many(8, 'Home')]} now={NOW} />);
    expect(groupHeadings()).toEqual(['Jamf Pro (Acme)', 'Addigy · Acme Corp']);
  });

  it('keeps one connection and one organisation as one list without group headings, even when long', () => {
    render(<TokenOverview health={many(12, 'Site')} now={NOW} />);
    expect(screen.getAllByRole('list')).toHaveLength(1);
    expect(screen.getAllByRole('heading', { level: 3 })).toHaveLength(12);
    expect(screen.queryAllByRole('heading', { level: 4 })).toHaveLength(0);
    expect(screen.getByText('All 12 tokens are fine.')).toBeTruthy();
  });

  describe('compact rows, beyond eight tokens', () => {
    const LONG: TokenHealth[] = [...ALL, ...many(4, 'Jamf Site', JAMF)];
    const row = (name: string) => itemOf(name);
    const itemOf = (name: string) =>
      [...document.querySelectorAll<HTMLElement>('li[data-state]')].find((li) => within(li).queryByRole('heading', { name: new RegExp(`^${name} `) }))!;
    const toggle = (name: string) => within(within(row(name)).getByRole('heading')).getByRole('button');

    it('shows the name, the state in words and the days left; rows that need attention start open', () => {
      render(<TokenOverview health={LONG} now={NOW} />);
      expect(document.querySelectorAll('li[data-state]')).toHaveLength(12);
      expect(toggle('Old Site').textContent).toBe('Old Site Expired expired 3 days ago');
      expect(toggle('Main Campus').textContent).toBe('Main Campus Expiring soon 12 days left');
      expect(within(toggle('Main Campus')).getByText('Expiring soon').className).toBe('pill');
      expect(within(row('Jamf Site 01')).getByRole('heading', { level: 4 })).toBeTruthy();
      for (const name of ['Lab', 'North High', 'Old Site', 'Annex']) {
        expect(toggle(name).getAttribute('aria-expanded')).toBe('true');
        const details = document.getElementById(toggle(name).getAttribute('aria-controls')!)!;
        expect(within(details).getByText(`Because ${name} is ${ALL.find((h) => h.locationName === name)!.state}.`)).toBeTruthy();
      }
      expect(within(row('Old Site')).getByRole('link', { name: 'Renew Old Site in Apple Business Manager' })).toBeTruthy();
      expect(within(row('Annex')).getByText('Press Scan Now.').textContent).toBe('What to do: Press Scan Now.');
    });

    it('builds the details of a closed row only when it is opened, and drops them when closed', () => {
      const onSnooze = vi.fn();
      render(<TokenOverview health={LONG} now={NOW} onSnooze={onSnooze} />);
      for (const name of ['Design', 'Main Campus', 'Studio', 'Warehouse', 'Jamf Site 01']) {
        expect(toggle(name).getAttribute('aria-expanded')).toBe('false');
        expect(toggle(name).hasAttribute('aria-controls')).toBe(false);
        expect(within(row(name)).queryByText(/^Because /)).toBeNull();
      }
      expect(screen.queryByRole('button', { name: /^Snooze reminders/ })).toBeNull();

      fireEvent.click(toggle('Main Campus'));
      expect(toggle('Main Campus').getAttribute('aria-expanded')).toBe('true');
      expect(within(row('Main Campus')).getByText('Because Main Campus is expiring-soon.')).toBeTruthy();
      expect(within(row('Main Campus')).getByText('Expires', { selector: 'dt' }).nextElementSibling!.textContent).toMatch(/\(in 12 days\)$/);
      fireEvent.click(screen.getByRole('button', { name: 'Snooze reminders for Main Campus' }));
      expect(onSnooze).toHaveBeenCalledWith('loc-main-campus');

      fireEvent.click(toggle('Main Campus'));
      expect(toggle('Main Campus').getAttribute('aria-expanded')).toBe('false');
      expect(within(row('Main Campus')).queryByText(/^Because /)).toBeNull();
      // An open row closes too.
      fireEvent.click(toggle('Old Site'));
      expect(within(row('Old Site')).queryByRole('link')).toBeNull();
    });

    it('builds the first frame’s rows at once and the rest right after it, with every group counted whole', async () => {
      const health = [...many(30, 'Site'), ...many(20, 'Depot', { orgName: 'Globex', daysLeft: 365 }), ...many(3, 'Broken', { orgName: 'Initech', state: 'sync-failed' })];
      render(<TokenOverview health={health} now={NOW} />);
      const rows = () => [...document.querySelectorAll('li[data-state]')].map(rowName);
      // Most urgent first: Initech's three, then the first 21 of Acme Corp's; Globex waits for the next task.
      expect(rows()).toHaveLength(FIRST_FRAME_ROWS);
      expect(rows().slice(0, 4)).toEqual(['Broken 01', 'Broken 02', 'Broken 03', 'Site 01']);
      expect(groupHeadings()).toEqual(['Addigy · Initech', 'Addigy · Acme Corp']);
      expect(screen.getByText('30 tokens')).toBeTruthy();
      expect(screen.getByRole('region', { name: 'Tokens' }).getAttribute('aria-busy')).toBe('true');
      expect(screen.getByText('Of 53 tokens: 3 need attention.')).toBeTruthy();

      await waitFor(() => expect(rows()).toHaveLength(53));
      expect(groupHeadings()).toEqual(['Addigy · Initech', 'Addigy · Acme Corp', 'Addigy · Globex']);
      expect(screen.getByRole('region', { name: 'Tokens' }).hasAttribute('aria-busy')).toBe(false);
    });

    it('keeps 200 tokens cheap: only the rows that need attention carry their details', async () => {
      const health = [...many(190, 'Site'), ...many(10, 'Broken').map((h) => ({ ...h, state: 'sync-failed' as const }))];
      render(<TokenOverview health={health} now={NOW} />);
      await waitFor(() => expect(document.querySelectorAll('li[data-state]')).toHaveLength(200));
      expect(document.querySelectorAll('dl.details')).toHaveLength(10);
      expect([...document.querySelectorAll('li[data-state]')].slice(0, 10).every((li) => li.getAttribute('data-state') === 'sync-failed')).toBe(true);
    });

    it('filters by location, organisation, connection and state, ignoring case', () => {
      const health = [...ALL, ...many(3, 'Depot', { orgName: 'Globex' }), ...many(2, 'Jamf Site', JAMF)];
      render(<TokenOverview health={health} now={NOW} />);
      const box = screen.getByRole('searchbox', { name: 'Filter tokens' });
      expect(box.getAttribute('type')).toBe('search');
      const shown = () => [...document.querySelectorAll('li[data-state]')].map(rowName);
      const type = (text: string) => fireEvent.input(box, { target: { value: text } });

      type('north');
      expect(shown()).toEqual(['North High']);
      expect(screen.getByRole('status').textContent).toBe('1 of 13 tokens match.');
      type('GLOBEX');
      expect(shown()).toEqual(['Depot 01', 'Depot 02', 'Depot 03']);
      expect(groupHeadings()).toEqual(['Addigy · Globex']);
      type('jamf pro');
      expect(shown()).toEqual(['Jamf Site 01', 'Jamf Site 02']);
      type('addigy');
      expect(shown()).toHaveLength(11);
      type('expiring soon');
      expect(shown()).toEqual(['Main Campus']);
      type('  sync failed ');
      expect(shown()).toEqual(['Annex']);
      type('Zanzibar');
      expect(shown()).toEqual([]);
      expect(screen.getByRole('status').textContent).toBe('No token matches “Zanzibar”.');
      expect(screen.queryAllByRole('heading', { level: 3 })).toHaveLength(0);
      type('');
      expect(shown()).toHaveLength(13);
      expect(screen.getByRole('status').textContent).toBe('');
    });

    it('offers no filter box to eight tokens or fewer', () => {
      const { unmount } = render(<TokenOverview health={ALL} now={NOW} />);
      expect(screen.queryByRole('searchbox')).toBeNull();
      unmount();
      render(<TokenOverview health={[...ALL, entry('Ninth', 'valid', 9)]} now={NOW} />);
      expect(screen.getByRole('searchbox', { name: 'Filter tokens' })).toBeTruthy();
    });
  });
});

describe('TokenOverview: Renew all, one batch per Apple organisation (issue 22)', () => {
  const district = [
    entry('North High', 'expiring-soon', 10, { orgName: 'Springfield Schools', websiteURL: 'https://school.apple.com' }),
    entry('South High', 'expired', -2, { orgName: 'Springfield Schools', websiteURL: 'https://school.apple.com' }),
    entry('East Middle', 'revoked', 200, { orgName: 'Springfield Schools', websiteURL: 'https://school.apple.com' }),
    entry('West Middle', 'valid', 200, { orgName: 'Springfield Schools', websiteURL: 'https://school.apple.com' }),
    entry('Design', 'other-mdm', 20, { orgName: 'Springfield Schools', websiteURL: 'https://school.apple.com' }),
  ];

  it('offers one button per organisation with due tokens, counting only the due ones, and hands it the group', () => {
    const onRenewAll = vi.fn();
    render(<TokenOverview health={[...district, ...ALL]} now={NOW} onRenewAll={onRenewAll} />);
    const buttons = screen.getAllByRole('button', { name: /^Renew all / });
    // Acme Corp's North High is in Apple School Manager: another Apple session, another batch.
    expect(buttons.map((b) => b.textContent)).toEqual([
      'Renew all 3 expiring in Acme Corp',
      'Renew all 3 expiring in Springfield Schools',
      'Renew all 1 expiring in Acme Corp',
    ]);
    // Several organisations: each button's organisation shows on screen too.
    expect(buttons[1]!.closest('li')!.textContent).toBe('Springfield Schools Renew all 3 expiring in Springfield Schools');
    fireEvent.click(screen.getByRole('button', { name: 'Renew all 3 expiring in Springfield Schools' }));
    expect(onRenewAll).toHaveBeenCalledTimes(1);
    const group = onRenewAll.mock.calls[0]![0];
    expect(group).toMatchObject({ site: 'https://school.apple.com', orgName: 'Springfield Schools' });
    expect(group.tokens.map((t: TokenHealth) => t.locationName).sort()).toEqual(['East Middle', 'North High', 'South High']);
  });

  it('counts a location two connections hold once: a batch downloads each location once', () => {
    const both = [district[0]!, { ...district[0]!, locationId: 'jamf-1:77', connectionName: 'Jamf Pro', mdm: 'jamf-pro' as const }];
    render(<TokenOverview health={both} now={NOW} onRenewAll={() => undefined} />);
    expect(screen.getByRole('button', { name: 'Renew all 1 expiring in Springfield Schools' })).toBeTruthy();
  });

  it('offers none when nothing is due, or without a handler; waits while a batch is asked for', () => {
    const { unmount } = render(<TokenOverview health={[district[3]!, district[4]!]} now={NOW} onRenewAll={() => undefined} />);
    expect(screen.queryByRole('button', { name: /^Renew all/ })).toBeNull();
    unmount();
    const again = render(<TokenOverview health={district} now={NOW} />);
    expect(screen.queryByRole('button', { name: /^Renew all/ })).toBeNull();
    again.unmount();
    render(<TokenOverview health={district} now={NOW} onRenewAll={() => undefined} renewAllPending />);
    expect((screen.getByRole('button', { name: 'Renew all 3 expiring in Springfield Schools' }) as HTMLButtonElement).disabled).toBe(true);
  });
});
