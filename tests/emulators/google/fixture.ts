/**
 * Seed format of the Google emulator (documented in README.md). Plain JSON, so
 * the demo can load a file and a test can build one in code (e.g. 2,500 files).
 */
export interface GoogleSeed {
  /** OAuth clients the token endpoint accepts. */
  clients: GoogleClientSeed[];
  accounts: GoogleAccountSeed[];
}

export interface GoogleClientSeed {
  clientId: string;
  clientSecret: string;
}

export interface GoogleAccountSeed {
  /** Internal id, used by the test helpers (revoke, delete, add message). */
  id: string;
  email: string;
  /** Refresh tokens that the token endpoint exchanges for this account's access tokens. */
  refreshTokens: string[];
  /** Access tokens valid from the start (expiresInSec default 3599; 0 or less = already expired). */
  accessTokens?: { token: string; expiresInSec?: number }[];
  files?: DriveFileSeed[];
  /** Spreadsheets are also Drive files (mimeType application/vnd.google-apps.spreadsheet). */
  spreadsheets?: SpreadsheetSeed[];
  mailbox?: MailboxSeed;
  /** First Drive change number (the startPageToken before any change). Default 1. */
  changeStart?: number;
}

export interface DriveFileSeed {
  id: string;
  name: string;
  mimeType?: string;
  /** Default ["root"]. */
  parents?: string[];
  trashed?: boolean;
  modifiedTime?: string;
  size?: number;
  md5Checksum?: string;
  /**
   * The shared drive holding the file. Such a file is invisible unless the
   * request says it supports shared drives, as Drive does (api-facts-2 §11).
   */
  driveId?: string;
}

export interface SpreadsheetSeed {
  id: string;
  title: string;
  parents?: string[];
  trashed?: boolean;
  sheets: SheetSeed[];
  /** How slowly values.get answers for this spreadsheet (none by default); see SheetsNetwork. */
  network?: SheetsNetwork;
}

/**
 * A values window's time on the wire: a fixed latency per request plus the body at a throughput. The real
 * Sheets API takes seconds for a multi-megabyte window; without this a 300,000-row import is over in two
 * seconds, too fast to watch (demo `--large`).
 */
export interface SheetsNetwork {
  latencyMs: number;
  /** Bytes of the JSON body per second; unset: the latency alone. */
  bytesPerSecond?: number;
}

export interface SheetSeed {
  sheetId?: number;
  title: string;
  /** Grid size; defaults to max(1000, rows) x max(26, widest row), like a new Google sheet. */
  rowCount?: number;
  columnCount?: number;
  /** Cell values as the UI shows them (FORMATTED_VALUE). */
  rows: string[][];
  /** Rows made on demand after `rows` (none is held in memory): a 300,000-row sheet without a 300,000-row seed. */
  generated?: GeneratedRowsSeed;
}

/**
 * Generated row n (1, 2, …) has `cells` with `{n}`, `{n%K}` and `{n%K+C}`
 * replaced by numbers; every `invalid.every`-th row uses `invalid.cells` instead.
 */
export interface GeneratedRowsSeed {
  count: number;
  cells: string[];
  invalid?: { every: number; cells: string[] };
}

export interface MailboxSeed {
  /** The mailbox's current history id. */
  historyId: number;
  /** history.list with a startHistoryId below this answers 404 (too old). Default 1. */
  oldestHistoryId?: number;
  messages: MessageSeed[];
}

export interface MessageSeed {
  id: string;
  threadId?: string;
  /** Default ["INBOX"]. */
  labelIds?: string[];
  /** Epoch milliseconds. */
  internalDate: number;
  historyId?: number;
  /** Header name → value (Subject, From, To, Date…). */
  headers: Record<string, string>;
  snippet?: string;
  sizeEstimate?: number;
}
