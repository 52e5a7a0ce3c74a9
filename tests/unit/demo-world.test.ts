import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { DEMO_WORLD_FILE, dropboxSeed, googleSeed, loadDemoWorld } from '../../scripts/demo/demo-seeds';
import { LARGE, largeWorld } from '../../scripts/demo/large-world';
import { applyWorldFaults } from '../../scripts/demo/world-faults';
import { parseWorld, WorldFileError } from '../../scripts/demo/world-schema';
import type { RunningEmulator } from '../emulators/shared/emulator';
import { toSheet } from '../emulators/google/seed-records';
import { formatA1, parseA1, windowValues } from '../emulators/google/sheet-data';
import { REPO_ROOT } from '../helpers/paths';

type Loose = Record<string, unknown>;
interface LooseWorld extends Loose {
  users: Loose[];
  files: { google: Loose[] };
  sheets: { source: { columns: unknown[] } }[];
}
const defaultWorld = () => JSON.parse(readFileSync(join(REPO_ROOT, DEMO_WORLD_FILE), 'utf8')) as LooseWorld;

function problemsOf(value: unknown): string[] {
  try {
    parseWorld(value, 'test.json');
  } catch (error) {
    if (error instanceof WorldFileError) return error.problems;
    throw error;
  }
  return [];
}

describe('demo world files (docs/demo-worlds.md)', () => {
  it('the default world parses, with its deliberate drift', () => {
    const world = loadDemoWorld(REPO_ROOT);
    expect(world.users).toHaveLength(36);
    expect(world.files.google.filter((f) => f.state === 'gone').length + world.files.dropbox.filter((f) => f.state === 'gone').length).toBeGreaterThan(0);
    expect(world.assets.filter((a) => !a.row)).toHaveLength(18);
    expect(world.sheets.map((s) => s.source?.name)).toEqual(['Pricing plans']);
  });

  it('names the JSON path of each problem', () => {
    const world = defaultWorld();
    (world.users[1] as Loose).email = 'not-an-email';
    (world.users[2] as Loose).storage = ['onedrive'];
    world.version = 2;
    const problems = problemsOf(world);
    expect(problems).toEqual(expect.arrayContaining([expect.stringMatching(/^users\[1\]\.email: /), expect.stringMatching(/^users\[2\]\.storage\[0\]: /), expect.stringMatching(/^version: /)]));
    expect(new WorldFileError('test.json', problems).message).toMatch(/^world file test\.json is not valid:\n {2}/);
  });

  it('checks references between sections: owners, providers, duplicates, sheet sources', () => {
    const world = defaultWorld();
    (world.files.google[0] as Loose).user = 'nobody@example.com';
    world.files.google[1] = { ...world.files.google[2] };
    world.sheets[0]!.source.columns = [];
    const problems = problemsOf(world);
    expect(problems).toContain('files.google[0].user: no user with email nobody@example.com');
    expect(problems).toEqual(expect.arrayContaining([expect.stringMatching(/^files\.google\[2\]\.id: .* is listed twice/), expect.stringMatching(/^sheets\[0\]\.source\.columns: map at least one column/)]));
  });

  it('rejects a fault on a route the emulator does not have, naming the routes it has', () => {
    const emulator = (names: string[]): RunningEmulator => ({ routeNames: () => names, fault: () => undefined }) as unknown as RunningEmulator;
    const emulators = { google: emulator(['drive.files.list', 'drive.files.get']), dropbox: emulator([]), cloudinary: emulator([]), supabase: emulator([]) };
    const fault = { service: 'google' as const, route: 'drive.file.list', status: 500 };
    expect(() => applyWorldFaults([fault], emulators, 'w.json')).toThrow(/faults\[0\]\.route: google has no route "drive\.file\.list" \(its routes: drive\.files\.list, drive\.files\.get\)/);
    expect(() => applyWorldFaults([{ ...fault, route: '*' }], emulators, 'w.json')).not.toThrow();
  });

  it('the large world is valid, the promised size, and generated quickly', () => {
    const started = performance.now();
    const world = largeWorld();
    const seeds = { google: googleSeed(world), dropbox: dropboxSeed(world) };
    expect(performance.now() - started).toBeLessThan(5_000);
    expect(() => parseWorld(JSON.parse(JSON.stringify(world)), '--large')).not.toThrow();
    expect(world.users).toHaveLength(LARGE.users);
    expect(world.files.google.length + world.files.dropbox.length).toBe(50_000);
    expect(world.sheets[0]?.tabs[0]?.generated?.count).toBe(300_000);
    // Dropbox account ids stay unique when two users' emails share their letters.
    expect(new Set(seeds.dropbox.accounts.map((a) => a.accountId)).size).toBe(seeds.dropbox.accounts.length);
  });
});

describe('Sheets emulator: generated rows', () => {
  const sheet = toSheet({ title: 'Orders', rows: [['order', 'qty']], generated: { count: 300_000, cells: ['ORD-{n}', '{n%50+1}'], invalid: { every: 1000, cells: ['ORD-{n}', 'many'] } } }, 0);

  it('has the grid of the literal plus the generated rows, without holding them', () => {
    expect(sheet.rowCount).toBe(300_001);
    expect(sheet.rows).toHaveLength(1);
  });

  it('makes only the requested window, with placeholders and invalid rows', () => {
    const window = parseA1('Orders!A999:B1002', [sheet]);
    if (!window) throw new Error('range did not parse');
    expect(formatA1(window)).toBe('Orders!A999:B1002');
    expect(windowValues(window)).toEqual([
      ['ORD-998', '49'],
      ['ORD-999', '50'],
      ['ORD-1000', 'many'],
      ['ORD-1001', '2'],
    ]);
    const tail = parseA1('Orders!A300000:B300005', [sheet]);
    if (!tail) throw new Error('range did not parse');
    expect(windowValues(tail)).toEqual([
      ['ORD-299999', '50'],
      ['ORD-300000', 'many'],
    ]);
  });
});
