import type { DriveFileSeed, MessageSeed, SheetSeed } from './fixture';
import type { DriveFile, HistoryRecord, Message, Sheet } from './google-state';

/** Seed entries → the emulator's records, with the defaults README.md documents. */
export function toFile(seed: DriveFileSeed): DriveFile {
  const file: DriveFile = {
    kind: 'drive#file',
    id: seed.id,
    name: seed.name,
    mimeType: seed.mimeType ?? 'application/octet-stream',
    parents: seed.parents ?? ['root'],
    trashed: seed.trashed ?? false,
    explicitlyTrashed: seed.trashed ?? false,
    modifiedTime: seed.modifiedTime ?? '2024-01-01T00:00:00.000Z',
  };
  // Drive sends int64 values (size) as JSON strings.
  if (seed.size !== undefined) file.size = String(seed.size);
  if (seed.md5Checksum !== undefined) file.md5Checksum = seed.md5Checksum;
  if (seed.driveId !== undefined) file.driveId = seed.driveId;
  return file;
}

export function toSheet(seed: SheetSeed, index: number): Sheet {
  const widest = seed.rows.reduce((max, row) => Math.max(max, row.length), 0);
  return {
    sheetId: seed.sheetId ?? index,
    title: seed.title,
    rowCount: seed.rowCount ?? Math.max(1000, seed.rows.length),
    columnCount: seed.columnCount ?? Math.max(26, widest),
    rows: seed.rows,
  };
}

export function toMessage(seed: MessageSeed): Message {
  return {
    id: seed.id,
    threadId: seed.threadId ?? seed.id,
    labelIds: seed.labelIds ?? ['INBOX'],
    internalDate: seed.internalDate,
    historyId: seed.historyId ?? 1,
    headers: seed.headers,
    snippet: seed.snippet ?? '',
    sizeEstimate: seed.sizeEstimate ?? 1024,
  };
}

export function pickRef(message: Message): HistoryRecord['message'] {
  return { id: message.id, threadId: message.threadId, labelIds: message.labelIds };
}
