import { afterEach, describe, expect, it } from 'vitest';
import { driveFiles, openStorageWorld, resultOf, type StorageWorld } from './storage-orphans.setup';

/**
 * Attack s23c on c4bed68: "a failure now carries only what the check had not concluded on (Conclusions: ... files a
 * probe saw alive)". A probe's answer reaches Conclusions only through conclude(), which runs once the whole probe
 * window (up to 256 rows, 16 in flight) has been answered. When ONE probe of the window throws (a grant without the
 * Drive scope: faultOf 'user'), probeWindow's inPool rejects and every other answer of the window is thrown away, the
 * `found` ones included: the catch then carries the earlier orphan findings of rows whose file the same check just
 * saw alive, under this run's id, and autoRepair (params autoRepair: true) quarantines those LIVE rows.
 *
 * Two rows had orphan findings; both files are back (access regained). In the failing check, all probes but one
 * answer (both of these rows' among them, or one of them) and one throws. Whichever row's probe threw may be carried
 * (no answer: design); the row whose probe said `found` must not be quarantined. So at most one row is held.
 *
 * Mechanism OLDER than c4bed68 (before it the catch carried every earlier finding), but it defeats the guarantee
 * c4bed68 states for probes, and the result is the worst one of DESIGN §4: a live file's row quarantined.
 */

let world: StorageWorld | undefined;
afterEach(async () => {
  await world?.close();
  world = undefined;
});

const NO_SCOPE = { status: 403, body: { error: { code: 403, message: 'Request had insufficient authentication scopes.', errors: [{ reason: 'insufficientPermissions', message: 'Insufficient Permission' }] } } };

describe('attack s23c: answers of a probe window thrown away when one probe of it throws', () => {
  it('a row whose probe said found in this very check is not quarantined by its automatic repair', async () => {
    const files = driveFiles('ada', 22);
    world = await openStorageWorld([{ id: 'ada', drive: files }]);
    world.google.deleteFile('ada', 'g-ada-3');
    world.google.deleteFile('ada', 'g-ada-7');
    const first = resultOf(await world.run({ mode: 'check', full: true, strategy: 'probe' }));
    expect(first.orphans).toBe(2);
    // Both files come back (access regained).
    world.google.addFile('ada', files[3]!);
    world.google.addFile('ada', files[7]!);
    // 21 of the 22 probes are answered by Drive; one meets a grant without the scope.
    world.google.fault('drive.files.get', { status: 200, passThrough: true, times: 21 });
    world.google.fault('drive.files.get', NO_SCOPE);
    const run = await world.run({ mode: 'check', full: true, strategy: 'probe', autoRepair: true });
    world.google.clearFaults();
    const r = resultOf(run);
    expect(r.results[0], JSON.stringify(r.results)).toMatchObject({ status: 'needs-reconnect' });
    expect(world.google.count('drive.files.get')).toBeGreaterThanOrEqual(22);
    const held = await world.rows<{ id: string }>('SELECT id FROM file_quarantine');
    // Both files exist: at most the row whose probe got no answer may be carried (and so repaired); never both.
    expect(held.length, JSON.stringify(r)).toBeLessThanOrEqual(1);
  });
});
