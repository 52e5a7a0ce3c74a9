import type { DriveFileSeed, GeneratedRowsSeed, MessageSeed, SheetSeed } from './fixture';
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
  const generated = seed.generated ? generator(seed.generated) : undefined;
  const widest = Math.max(
    seed.rows.reduce((max, row) => Math.max(max, row.length), 0),
    seed.generated?.cells.length ?? 0,
    seed.generated?.invalid?.cells.length ?? 0,
  );
  const rows = seed.rows.length + (generated?.count ?? 0);
  return {
    sheetId: seed.sheetId ?? index,
    title: seed.title,
    rowCount: seed.rowCount ?? Math.max(1000, rows),
    columnCount: seed.columnCount ?? Math.max(26, widest),
    rows: seed.rows,
    ...(generated ? { generated } : {}),
  };
}

const PLACEHOLDER = /\{n(?:%(\d+)(?:\+(\d+))?)?\}/g;

/** Row n from a template: the cells are compiled once, each row is a few string joins. */
function generator(seed: GeneratedRowsSeed): NonNullable<Sheet['generated']> {
  const compile = (cells: string[]) => cells.map((cell) => (n: number) => cell.replace(PLACEHOLDER, (_, mod?: string, add?: string) => String(mod ? (n % Number(mod)) + Number(add ?? 0) : n)));
  const valid = compile(seed.cells);
  const invalid = seed.invalid ? compile(seed.invalid.cells) : undefined;
  const every = seed.invalid?.every ?? 0;
  return { count: seed.count, row: (n) => (invalid && n % every === 0 ? invalid : valid).map((cell) => cell(n)) };
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
