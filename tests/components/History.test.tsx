import { describe, expect, it } from 'vitest';
import { render, screen, within } from '@testing-library/preact';
import { History } from '../../components/History';
import type { RenewalRecord } from '../../lib/renewal/renewal-record';

let n = 0;
function record(step: RenewalRecord['step'], updatedAt: string, extra: Partial<RenewalRecord> = {}): RenewalRecord {
  n += 1;
  return {
    id: `r${n}`,
    step,
    createdAt: updatedAt,
    updatedAt,
    source: 'blob',
    discrepancies: [],
    match: { locationId: `loc-${n}`, strength: 'uid', locationName: `Location ${n}` },
    ...extra,
  };
}

const rows = () =>
  within(screen.getByRole('list')).getAllByRole('listitem').map((li) => ({
    location: li.firstElementChild?.firstChild?.textContent,
    time: li.querySelector('time')?.getAttribute('datetime'),
    outcome: li.querySelector('.outcome')?.textContent,
  }));

describe('History', () => {
  it('lists finished renewals, newest first, with location, when and outcome', () => {
    render(
      <History
        renewals={[
          record('done', '2026-03-01T10:00:00Z', { match: { locationId: 'a', strength: 'uid', locationName: 'Main Campus' }, renewedAt: '2026-03-01T09:59:00Z' }),
          record('awaiting-confirmation', '2026-03-05T10:00:00Z'),
          record('failed', '2026-03-03T10:00:00Z', { match: undefined, preview: { idNumber: '1', name: 'Warehouse', appleId: 'x', organization: 'Acme' } }),
          record('discarded', '2026-03-02T10:00:00Z', { match: undefined, file: { orgName: 'Acme Corp', expiresAt: '2027-01-01T00:00:00Z' } }),
          record('failed', '2026-03-04T10:00:00Z', { match: { locationId: 'b', strength: 'uid', locationName: 'North High' }, renewedAt: '2026-03-04T09:58:00Z' }),
          record('scanning', '2026-03-06T10:00:00Z'),
        ]}
      />,
    );
    expect(screen.getByRole('heading', { name: 'Recent renewals' })).toBeTruthy();
    expect(rows().map(({ outcome, time }) => ({ outcome, time }))).toEqual([
      { outcome: 'Renewed, scan failed', time: '2026-03-04T09:58:00Z' },
      { outcome: 'Not renewed', time: '2026-03-03T10:00:00Z' },
      { outcome: 'Cancelled', time: '2026-03-02T10:00:00Z' },
      { outcome: 'Renewed', time: '2026-03-01T09:59:00Z' },
    ]);
    expect(rows().map((r) => r.location)).toEqual(['North High', 'Warehouse', 'Acme Corp', 'Main Campus']);
  });

  it('shows the ten most recent', () => {
    const many = Array.from({ length: 14 }, (_, i) => record('done', `2026-03-${String(i + 1).padStart(2, '0')}T10:00:00Z`));
    render(<History renewals={many} />);
    expect(rows()).toHaveLength(10);
    expect(rows()[0]?.time).toBe('2026-03-14T10:00:00Z');
  });

  it('says so when nothing has finished yet', () => {
    render(<History renewals={[record('awaiting-confirmation', '2026-03-01T10:00:00Z')]} />);
    expect(screen.getByText('No finished renewals yet.')).toBeTruthy();
    expect(screen.queryByRole('list')).toBeNull();
  });
});

describe('History: dismissing failures', () => {
  it('offers Dismiss, named for the row, on every failure that still asks for attention, and nowhere else', async () => {
    const { fireEvent } = await import('@testing-library/preact');
    const dismissed: string[] = [];
    const failed = record('failed', '2026-03-03T10:00:00Z', { match: { locationId: 'w', strength: 'uid', locationName: 'Warehouse' } });
    render(
      <History
        onDismiss={(id) => dismissed.push(id)}
        renewals={[
          failed,
          record('failed', '2026-03-02T10:00:00Z', { dismissed: true }),
          record('done', '2026-03-01T10:00:00Z'),
          record('discarded', '2026-02-01T10:00:00Z'),
        ]}
      />,
    );
    const buttons = screen.getAllByRole('button', { name: /^Dismiss/ });
    expect(buttons).toHaveLength(1);
    expect(buttons[0]!.getAttribute('aria-label')).toBe('Dismiss: Warehouse, Not renewed');
    fireEvent.click(buttons[0]!);
    expect(dismissed).toEqual([failed.id]);
  });
});
