/**
 * A whole number with comma thousands separators, as `toLocaleString('en')` writes it, without ICU: its first
 * call in a process loads ICU's locale data (19 ms on Node 24), which landed inside the first turn of a run,
 * and each later call costs about 30 µs; progress messages format a count every chunk.
 */
export function formatCount(value: number): string {
  if (!Number.isSafeInteger(value) || Object.is(value, -0)) return value.toLocaleString('en');
  const digits = String(Math.abs(value));
  const groups: string[] = [];
  for (let end = digits.length; end > 0; end -= 3) groups.unshift(digits.slice(Math.max(0, end - 3), end));
  return `${value < 0 ? '-' : ''}${groups.join(',')}`;
}
