import { describe, expect, it } from 'vitest';
import { formatCount } from '../../core/base/format-count';

describe('formatCount', () => {
  it('writes what toLocaleString("en") writes for whole numbers', () => {
    const samples = [0, 1, 12, 123, 999, 1_000, 1_234, 12_345, 100_000, 999_999, 1_000_000, 1_234_567_890, Number.MAX_SAFE_INTEGER, -1, -1_000, -987_654_321];
    for (let i = 0; i < 2_000; i++) samples.push(Math.floor((Math.random() - 0.5) * 10 ** Math.floor(Math.random() * 16)));
    for (const value of samples) expect(formatCount(value), String(value)).toBe(value.toLocaleString('en'));
  });

  it('leaves anything that is not a safe whole number to toLocaleString', () => {
    for (const value of [1.5, -0.25, -0, 2 ** 60, Number.NaN, Infinity]) expect(formatCount(value)).toBe(value.toLocaleString('en'));
  });
});
