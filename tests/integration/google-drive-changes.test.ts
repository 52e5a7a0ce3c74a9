import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import { CursorRejectedError, DriveConnector } from '../../core/connectors/google';
import { startGoogleEmulator, type GoogleEmulator } from '../emulators/google';
import { account, collect, connectTo, manyFiles, refreshOnlyTokens, seedWith } from '../emulators/google/test-support';

/** The Drive changes feed and page-token rejection, googleapis against the emulator. */
let emulator: GoogleEmulator;

beforeAll(async () => {
  emulator = await startGoogleEmulator(
    seedWith(
      account('alice', {
        files: [
          { id: 'kept', name: 'kept.pdf', parents: ['folder-a'] },
          { id: 'gone-later', name: 'gone.pdf', parents: ['folder-a'] },
        ],
      }),
    ),
  );
});
afterAll(() => emulator.close());
afterEach(() => {
  emulator.clearFaults();
  emulator.resetCounts();
});

const aliceDrive = () => new DriveConnector(connectTo(emulator, refreshOnlyTokens('alice')).options);

describe('Drive changes feed (googleapis against the emulator)', () => {
  it('follows the changes feed: nextPageToken across pages, newStartPageToken only on the last', async () => {
    const drive = aliceDrive();
    const start = await drive.getStartPageToken();
    for (const file of manyFiles(1200, 'folder-a', 'new')) emulator.addFile('alice', file);
    emulator.trashFile('alice', 'kept');
    emulator.deleteFile('alice', 'gone-later');
    const pages = await collect(drive.listChanges(start));
    expect(pages).toHaveLength(2);
    expect(pages[0]).toMatchObject({ nextPageToken: expect.any(String) });
    expect(pages[0]?.newStartPageToken).toBeUndefined();
    expect(pages[1]?.nextPageToken).toBeUndefined();
    expect(pages[1]?.newStartPageToken).toBe(await drive.getStartPageToken());
    const changes = pages.flatMap((p) => p.changes);
    expect(changes).toHaveLength(1202);
    expect(changes.find((c) => c.fileId === 'kept')).toMatchObject({ removed: false, file: { trashed: true } });
    expect(changes.find((c) => c.fileId === 'gone-later')).toMatchObject({ removed: true });
    expect(changes.find((c) => c.fileId === 'gone-later')?.file).toBeUndefined();
    expect(emulator.count('drive.changes.list')).toBe(2);
  });

  it('signals a rejected changes token with CursorRejectedError so the engine can do a full pass', async () => {
    const drive = aliceDrive();
    const stale = await drive.getStartPageToken();
    emulator.addFile('alice', { id: 'late', name: 'late.pdf' });
    emulator.expireChangeLog('alice');
    const error = await collect(drive.listChanges(stale)).catch((e: unknown) => e);
    expect(error).toBeInstanceOf(CursorRejectedError);
    expect(error).toMatchObject({ kind: 'invalid-request', status: 400, reason: 'invalid', cursor: 'drive-changes' });
    await expect(collect(drive.listChanges('not-a-token'))).rejects.toBeInstanceOf(CursorRejectedError);
    await expect(collect(drive.listFiles({ pageToken: 'bogus' }))).rejects.toMatchObject({ cursor: 'drive-files' });
  });

});
