import { describe, expect, it } from 'vitest';
import { CaptureGate } from '../../../lib/capture/capture-gate';

describe('CaptureGate', () => {
  const clock = () => {
    let t = 1_000_000;
    return { now: () => t, advance: (ms: number) => (t += ms) };
  };
  const trusted = { afterTrustedClick: true };

  it('lets through only proposals that followed a trusted click, from a real tab', () => {
    const gate = new CaptureGate();
    expect(gate.admit(1, {})).toBe(false);
    expect(gate.admit(1, { afterTrustedClick: false })).toBe(false);
    for (const tab of [undefined, null, 'x', -1, 1.5, NaN]) expect(gate.admit(tab, trusted)).toBe(false);
    expect(gate.admit(1, trusted)).toBe(true);
  });

  it('allows one proposal per 2 s and three per minute for each tab', () => {
    const { now, advance } = clock();
    const gate = new CaptureGate(undefined, now);
    expect(gate.admit(7, trusted)).toBe(true);
    expect(gate.admit(7, trusted)).toBe(false);
    expect(gate.admit(8, trusted)).toBe(true);
    advance(2_000);
    expect(gate.admit(7, trusted)).toBe(true);
    advance(2_000);
    expect(gate.admit(7, trusted)).toBe(true);
    advance(2_000);
    expect(gate.admit(7, trusted)).toBe(false);
    advance(54_001);
    expect(gate.admit(7, trusted)).toBe(true);
  });

  it('does not count refused proposals: a flood does not lock the tab out for longer', () => {
    const { now, advance } = clock();
    const gate = new CaptureGate(undefined, now);
    for (let i = 0; i < 100; i++) gate.admit(3, {});
    expect(gate.admit(3, trusted)).toBe(true);
    for (let i = 0; i < 100; i++) gate.admit(3, trusted);
    advance(2_000);
    expect(gate.admit(3, trusted)).toBe(true);
  });
});
