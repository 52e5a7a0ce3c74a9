import { readdirSync, readFileSync, statSync } from 'node:fs';
import { join, relative } from 'node:path';
import { describe, expect, it } from 'vitest';

/**
 * Test doubles (the manual clock, the memory secret store…) live under
 * tests/, so shipped code cannot pick one up by accident: nothing under
 * core/, electron/ or renderer/ may import from tests/.
 */
const ROOT = join(__dirname, '../..');
const SHIPPED = ['core', 'electron', 'renderer'];

function sources(dir: string): string[] {
  return readdirSync(dir).flatMap((name) => {
    const path = join(dir, name);
    if (name === 'node_modules') return [];
    if (statSync(path).isDirectory()) return sources(path);
    return /\.(?:ts|tsx|mts|js|mjs)$/.test(name) ? [path] : [];
  });
}

describe('test doubles stay out of shipped code', () => {
  it('no module under core/, electron/ or renderer/ imports from tests/', () => {
    const offenders = SHIPPED.flatMap((dir) => sources(join(ROOT, dir)))
      .filter((file) => /(?:from\s*|import\s*\(\s*|require\(\s*)['"](?:\.\.\/)+tests\//.test(readFileSync(file, 'utf8')))
      .map((file) => relative(ROOT, file));
    expect(offenders).toEqual([]);
  });

  it('the manual clock and the memory secret store are no longer in core/', () => {
    const names = SHIPPED.flatMap((dir) => sources(join(ROOT, dir))).map((file) => relative(ROOT, file));
    expect(names.filter((name) => /manual-clock|memory\.secret-store/.test(name))).toEqual([]);
  });
});
