import { describe, expect, it, vi } from 'vitest';
import { fireEvent, render, screen, within } from '@testing-library/preact';
import axe from 'axe-core';
import { BatchView } from '../../components/BatchView';
import { formatDate } from '../../components/format';
import type { PageIntent } from '../../lib/messaging/messages';
import type { BatchRecord } from '../../lib/batch/batch-record';
import { batchItem, batchRecord, batchRows } from '../support/batch-record-factory';

const NOW = new Date('2026-12-06T10:00:00Z');

function renderBatch(batch: BatchRecord) {
  const sent: PageIntent[] = [];
  const send = vi.fn((intent: PageIntent) => void sent.push(intent));
  const view = render(<BatchView batch={batch} send={send} now={NOW} />);
  return { sent, send, ...view };
}

const rowOf = (name: string) => screen.getByRole('heading', { level: 3, name }).closest('li')!;
const valueOf = (row: HTMLElement, term: string) => within(row).getByText(term, { selector: 'dt' }).nextElementSibling!.textContent;

/** Axe's rules that hold without layout (happy-dom computes no colours or boxes). */
async function axeViolations(container: Element) {
  const result = await axe.run(container, {
    runOnly: { type: 'rule', values: ['aria-progressbar-name', 'button-name', 'list', 'listitem', 'definition-list', 'dlitem', 'aria-allowed-attr', 'aria-valid-attr-value', 'duplicate-id-aria', 'empty-heading'] },
  });
  return result.violations.map((v) => `${v.id}: ${v.nodes.map((n) => n.html).join(' ')}`);
}

describe('BatchView, proposed: the one yes for the whole batch', () => {
  const proposed = batchRecord('proposed', [
    batchItem('North High', 'queued', { expiresAt: '2026-12-20T00:00:00Z', health: 'expiring-soon' }),
    batchItem('South High', 'queued', { expiresAt: '2026-12-01T00:00:00Z', health: 'expired' }),
    batchItem('Lab', 'queued', {
      connectionId: 'jamf-1',
      connectionName: 'Springfield Jamf',
      mdm: 'jamf-pro',
      tokenId: '77',
      expiresAt: undefined,
      health: 'revoked',
      discrepancy: 'Apple says another MDM (Mosyle) holds this location.',
    }),
  ]);

  it('lists every token: location, organisation, MDM and connection, expiry now and about a year on, discrepancy', () => {
    renderBatch(proposed);
    expect(screen.getByRole('heading', { level: 2, name: 'Renew 3 tokens' })).toBeTruthy();
    expect(screen.getByText(/Springfield Schools, in Apple School Manager/)).toBeTruthy();
    const aYearOn = formatDate('2027-12-06T10:00:00Z');
    const north = rowOf('North High');
    expect(within(north).getByText('Springfield Schools · Addigy')).toBeTruthy();
    expect(valueOf(north, 'Expires now')).toBe(`${formatDate('2026-12-20T00:00:00Z')} (expiring soon)`);
    expect(valueOf(north, 'After')).toBe(`about ${aYearOn}`);
    expect(valueOf(rowOf('South High'), 'Expires now')).toBe(`${formatDate('2026-12-01T00:00:00Z')} (expired)`);
    const lab = rowOf('Lab');
    expect(within(lab).getByText('Springfield Schools · Jamf Pro (Springfield Jamf)')).toBeTruthy();
    expect(valueOf(lab, 'Expires now')).toBe('unknown (revoked)');
    expect(within(lab).getByText('Apple says another MDM (Mosyle) holds this location.')).toBeTruthy();
    // Nothing runs yet: no progress, no row states, no Retry.
    expect(screen.queryByRole('progressbar')).toBeNull();
    expect(screen.queryByText('Waiting')).toBeNull();
    expect(screen.queryByRole('button', { name: /^Retry/ })).toBeNull();
  });

  it('Renew all N confirms the batch once; Cancel drops it', () => {
    const { sent } = renderBatch(proposed);
    const renewAll = screen.getByRole('button', { name: 'Renew all 3' }) as HTMLButtonElement;
    fireEvent.click(renewAll);
    expect(sent).toEqual([{ type: 'batch:confirm', id: 'b1' }]);
    expect(renewAll.disabled).toBe(true);
    fireEvent.click(screen.getByRole('button', { name: 'Cancel' }));
    expect(sent).toEqual([
      { type: 'batch:confirm', id: 'b1' },
      { type: 'batch:cancel', id: 'b1' },
    ]);
  });

  it('passes axe’s structural rules', async () => {
    const { container } = renderBatch(proposed);
    expect(await axeViolations(container)).toEqual([]);
  });
});

describe('BatchView, running: progress and each row’s state', () => {
  const problem = (message: string) => ({ kind: 'x', message, nextStep: `Do something about ${message}` });
  const running = batchRecord('running', [
    ...batchRows(7, 7).map((item) => ({ ...item, newExpiry: '2027-12-06T00:00:00Z' })),
    batchItem('Annex', 'relaying', { connectionName: 'Springfield Jamf', mdm: 'jamf-pro' }),
    batchItem('Design', 'needs-you', { renewalId: 'r9', problem: problem('Addigy shows another name.') }),
    batchItem('Lab', 'failed', { problem: problem('Addigy refused the token.') }),
    batchItem('Studio', 'downloading'),
    batchItem('Warehouse', 'queued'),
  ]);

  it('shows the progress bar, named, with "k of n renewed" in a live region', () => {
    renderBatch(running);
    expect(screen.getByRole('heading', { level: 2, name: 'Renewing 12 tokens' })).toBeTruthy();
    const bar = screen.getByRole('progressbar', { name: 'Batch progress' }) as HTMLProgressElement;
    expect([bar.value, bar.max]).toEqual([7, 12]);
    expect(screen.getByRole('status').textContent).toBe('7 of 12 renewed');
    expect(bar.getAttribute('aria-describedby')).toBe(screen.getByRole('status').id);
  });

  it('says each row’s state in words, with what it means', () => {
    renderBatch(running);
    const state = (name: string) => within(rowOf(name)).getByText(/^(Waiting|Downloading|Sending|Renewed|Needs you|Failed|Cancelled)$/).textContent;
    expect(state('School 01')).toBe('Renewed');
    expect(within(rowOf('School 01')).getByText(`new expiry ${formatDate('2027-12-06T00:00:00Z')}`)).toBeTruthy();
    // The old expiry is "before" once renewed; "after" was for the yes, not repeated on every running row.
    expect(valueOf(rowOf('School 01'), 'Before')).toBe(`${formatDate('2026-12-20T00:00:00Z')} (expiring soon)`);
    expect(within(rowOf('Warehouse')).queryByText('After', { selector: 'dt' })).toBeNull();
    expect(state('Annex')).toBe('Sending');
    expect(within(rowOf('Annex')).getByText('to Jamf Pro (Springfield Jamf)')).toBeTruthy();
    expect(state('Design')).toBe('Needs you');
    expect(within(rowOf('Design')).getByText('Addigy shows another name.')).toBeTruthy();
    expect(within(rowOf('Design')).getByText('Do something about Addigy shows another name.')).toBeTruthy();
    expect(state('Lab')).toBe('Failed');
    expect(within(rowOf('Lab')).getByText('Addigy refused the token.')).toBeTruthy();
    expect(within(rowOf('Lab')).getByText('Do something about Addigy refused the token.')).toBeTruthy();
    expect(state('Studio')).toBe('Downloading');
    expect(state('Warehouse')).toBe('Waiting');
  });

  it('offers Retry on failed and needs-you rows only, for that row alone; Cancel stops the batch', () => {
    const { sent } = renderBatch(running);
    expect(screen.getAllByRole('button', { name: /^Retry / }).map((b) => b.textContent)).toEqual(['Retry Design', 'Retry Lab']);
    fireEvent.click(screen.getByRole('button', { name: 'Retry Lab' }));
    expect(sent).toEqual([{ type: 'batch:retry', id: 'b1', key: 'loc-lab' }]);
    fireEvent.click(screen.getByRole('button', { name: 'Cancel' }));
    expect(sent.at(-1)).toEqual({ type: 'batch:cancel', id: 'b1' });
    expect(screen.queryByRole('button', { name: /^Renew all/ })).toBeNull();
  });

  it('updates the progress in place as rows are renewed, so the live region is heard', () => {
    const { rerender, send } = renderBatch(running);
    const status = screen.getByRole('status');
    const next = { ...running, items: running.items.map((i) => (i.locationName === 'Annex' ? { ...i, state: 'renewed' as const } : i)) };
    rerender(<BatchView batch={next} send={send} now={NOW} />);
    expect(screen.getByRole('status')).toBe(status);
    expect(status.textContent).toBe('8 of 12 renewed');
  });

  it('passes axe’s structural rules', async () => {
    const { container } = renderBatch(running);
    expect(await axeViolations(container)).toEqual([]);
  });
});

describe('BatchView, finished', () => {
  it('says all were renewed and closes with batch:dismiss', () => {
    const { sent } = renderBatch(batchRecord('finished', batchRows(11, 11)));
    expect(screen.getByRole('heading', { level: 2, name: 'Batch finished' })).toBeTruthy();
    expect(screen.getByRole('status').textContent).toBe('11 of 11 renewed');
    expect(screen.getByText('Every token in the batch is renewed.')).toBeTruthy();
    expect(screen.queryByRole('button', { name: 'Cancel' })).toBeNull();
    fireEvent.click(screen.getByRole('button', { name: 'Close' }));
    expect(sent).toEqual([{ type: 'batch:dismiss', id: 'b1' }]);
  });

  it('names what was not renewed, and still offers Retry for a failed row', () => {
    const { sent } = renderBatch(batchRecord('finished', [...batchRows(2, 2), batchItem('Lab', 'failed', { problem: { kind: 'x', message: 'No file came.', nextStep: 'Retry.' } })]));
    expect(screen.getByRole('status').textContent).toBe('2 of 3 renewed');
    expect(screen.getByText('Failed: Lab.')).toBeTruthy();
    fireEvent.click(screen.getByRole('button', { name: 'Retry Lab' }));
    expect(sent).toEqual([{ type: 'batch:retry', id: 'b1', key: 'loc-lab' }]);
  });

  it('a cancelled batch says so and which locations were not downloaded', () => {
    renderBatch(batchRecord('cancelled', [...batchRows(1, 1), batchItem('Lab', 'cancelled'), batchItem('Annex', 'cancelled')]));
    expect(screen.getByRole('heading', { level: 2, name: 'Batch finished' })).toBeTruthy();
    expect(screen.getByText('The batch was cancelled.')).toBeTruthy();
    expect(screen.getByText('Cancelled: Lab, Annex.')).toBeTruthy();
    expect(within(rowOf('Lab')).getByText('Cancelled')).toBeTruthy();
    expect(screen.getByRole('button', { name: 'Close' })).toBeTruthy();
  });
});
