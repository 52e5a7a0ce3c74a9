import { afterEach, describe, expect, it } from 'vitest';
import { DRIVE_DOWN, driveFiles, openStorageWorld, resultOf, type StorageWorld } from './storage-orphans.setup';
import { describeOpen, FILES, insert, openKinds } from './storage-orphans.id-tables';

/**
 * Attack s23b on 2d822ec: the run result's counts against what is open afterwards. In a delta, a finding carried by
 * the carry loop is counted in the account's orphans/trashed (account-delta.ts: report.orphans++), one carried by
 * conclude() for a probe without an answer is not (account-probe.ts: onCarry only). The same open findings are then
 * counted or not depending on which path carried them. Each test asserts the SAFE (consistent) behaviour.
 */

let world: StorageWorld | undefined;
afterEach(async () => {
  await world?.close();
  world = undefined;
});

describe('attack s23b: counts of a delta against the open findings', () => {
  // OLDER than 2d822ec. A trashed file is then deleted for good: the change makes its row a suspect, the probe gets no
  // answer, conclude() carries the trashed finding (right), but the account's result says trashed 0 while a delta
  // with no change at all says trashed 1 for the very same open finding.
  it('a suspect whose probe gets no answer: its carried finding is counted as a delta\'s carried findings are', async () => {
    world = await openStorageWorld([{ id: 'ada', drive: driveFiles('ada', 5) }]);
    await world.run({ mode: 'check', full: true, strategy: 'probe' });
    world.google.trashFile('ada', 'g-ada-1');
    expect(resultOf(await world.run({ mode: 'check' })).trashed).toBe(1);
    const quiet = resultOf(await world.run({ mode: 'check' }));
    expect(quiet).toMatchObject({ trashed: 1, carriedForward: 1 });
    world.google.deleteFile('ada', 'g-ada-1');
    world.google.fault('drive.files.get', DRIVE_DOWN);
    const unknown = resultOf(await world.run({ mode: 'check' }));
    world.google.clearFaults();
    expect(await openKinds(world)).toEqual(['file:row-g-ada-1:trashed']);
    expect(unknown.results[0], JSON.stringify(unknown.results)).toMatchObject({ pass: 'delta', status: 'unknown' });
    expect({ trashed: unknown.trashed, carriedForward: (unknown as unknown as { carriedForward: number }).carriedForward }).toEqual({ trashed: 1, carriedForward: 1 });
  });

  // Held: two rows of one gone file, a delta with no change: both carried by row (2d822ec), counted twice, open twice.
  it('held: two rows of one gone file, a quiet delta: orphans 2, carriedForward 2, two open', async () => {
    world = await openStorageWorld([{ id: 'ada', drive: driveFiles('ada', 3), goneDrive: ['g-gone'] }], { ddl: [FILES('TEXT PRIMARY KEY', false)] });
    await insert(world, "'row-g-gone-copy'", 'g-gone');
    await world.run({ mode: 'check', full: true, strategy: 'probe' });
    const quiet = resultOf(await world.run({ mode: 'check' }));
    expect(quiet).toMatchObject({ orphans: 2, carriedForward: 2 });
    expect(await describeOpen(world)).toHaveLength(2);
  });

  // Held: a full check that cannot reach Drive carries both findings; carriedForward says 2, no duplicates.
  it('held: Drive down for a full check: carriedForward 2, two open, no second finding for either row', async () => {
    world = await openStorageWorld([{ id: 'ada', drive: driveFiles('ada', 3), goneDrive: ['g-gone'] }], { ddl: [FILES('TEXT PRIMARY KEY', false)] });
    await insert(world, "'row-g-gone-copy'", 'g-gone');
    await world.run({ mode: 'check', full: true, strategy: 'probe' });
    world.google.fault('*', DRIVE_DOWN);
    const failed = resultOf(await world.run({ mode: 'check', full: true }));
    world.google.clearFaults();
    expect(failed).toMatchObject({ carriedForward: 2 });
    const all = await world.app.store.findings.list({ engine: 'storage-orphans', status: 'open', sort: 'subject', direction: 'asc', limit: 10, offset: 0 });
    expect(all.items.map((f) => f.subject)).toEqual(['file:row-g-gone', 'file:row-g-gone-copy']);
  });
});
