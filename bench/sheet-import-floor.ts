import Database from 'better-sqlite3';
import { fetchJson } from './harness';
import { BENCH_COLUMNS } from './sheet-fixture';

/**
 * The bare floor of a sheet import of the same spreadsheet: a token refresh,
 * spreadsheets.get for the grid, then values.get in row windows sized as the
 * engine sizes them (1,000 rows, then ~2 MB of CSV-equivalent bytes a
 * window, the next one requested while the current is processed, as the
 * engine prefetches), each fetched with plain fetch and parsed as JSON (`response.json()`:
 * the same JSON the engine parses, not CSV), each cell converted to its
 * column's type, and every row inserted into a bare SQLite table through
 * multi-row INSERTs in one transaction. No validation messages, progress,
 * staging swap or writer thread: what any implementation must spend.
 */
interface SheetFloorWorld {
  rootUrl: string;
  tokenUrl: string;
  client: { clientId: string; clientSecret: string };
  refreshToken: string;
  spreadsheetId: string;
  dbPath: string;
}

const TARGET_WINDOW_BYTES = 2 * 1024 * 1024;
const FIRST_WINDOW_ROWS = 1000;
const ROWS_PER_STATEMENT = 100;

export async function sheetImportFloor(world: SheetFloorWorld): Promise<{ calls: number; rows: number }> {
  const counter = { calls: 0 };
  const form = new URLSearchParams({ grant_type: 'refresh_token', refresh_token: world.refreshToken, client_id: world.client.clientId, client_secret: world.client.clientSecret });
  const { access_token } = await fetchJson<{ access_token: string }>(counter, world.tokenUrl, { method: 'POST', headers: { 'content-type': 'application/x-www-form-urlencoded' }, body: form.toString() });
  const headers = { authorization: `Bearer ${access_token}` };
  const base = `${world.rootUrl}v4/spreadsheets/${world.spreadsheetId}`;
  const info = await fetchJson<{ sheets: { properties: { title: string; gridProperties: { rowCount: number } } }[] }>(counter, `${base}?fields=sheets.properties`, { headers });
  const sheet = info.sheets[0]!.properties;
  const lastRow = sheet.gridProperties.rowCount;

  const db = new Database(world.dbPath);
  const names = BENCH_COLUMNS.map((c) => c.column);
  db.exec(`CREATE TABLE floor_rows (${names.map((n) => `"${n}"`).join(', ')})`);
  const placeholders = `(${names.map(() => '?').join(', ')})`;
  const many = db.prepare(`INSERT INTO floor_rows VALUES ${Array.from({ length: ROWS_PER_STATEMENT }, () => placeholders).join(', ')}`);
  const one = db.prepare(`INSERT INTO floor_rows VALUES ${placeholders}`);
  const convert = BENCH_COLUMNS.map((c) => (c.type === 'integer' || c.type === 'number' ? (v: string) => (v === '' ? null : Number(v)) : c.type === 'boolean' ? (v: string) => (v === '' ? null : v === 'TRUE' ? 1 : 0) : (v: string) => (v === '' ? null : v)));
  let rows = 0;
  let bytes = 0;
  const pending: unknown[] = [];
  const flush = (all: boolean) => {
    const width = names.length;
    while (pending.length >= ROWS_PER_STATEMENT * width) many.run(pending.splice(0, ROWS_PER_STATEMENT * width));
    if (all) while (pending.length) one.run(pending.splice(0, width));
  };
  try {
    db.exec('BEGIN');
    let header = true;
    type Window = { end: number; body: Promise<{ values?: string[][] }> };
    const request = (start: number): Window => {
      const size = rows > 0 ? Math.max(100, Math.floor(TARGET_WINDOW_BYTES / (bytes / rows))) : FIRST_WINDOW_ROWS;
      const end = Math.min(lastRow, start + size - 1);
      const range = encodeURIComponent(`'${sheet.title}'!A${start}:J${end}`);
      const body = fetchJson<{ values?: string[][] }>(counter, `${base}/values/${range}?valueRenderOption=FORMATTED_VALUE&majorDimension=ROWS`, { headers });
      body.catch(() => undefined); // awaited below; only keeps an early failure from being "unhandled"
      return { end, body };
    };
    let next: Window | undefined = request(1);
    while (next) {
      const { end, body }: Window = next;
      const window = await body;
      // Prefetch, as the engine does: the next window travels while this one is converted and inserted
      // (the first window is read through first, so the second can be sized from it).
      next = end < lastRow && rows > 0 ? request(end + 1) : undefined;
      for (const row of window.values ?? []) {
        if (header) {
          header = false;
          continue;
        }
        bytes += row.length;
        for (let i = 0; i < names.length; i++) {
          const cell = row[i] ?? '';
          bytes += cell.length;
          pending.push((convert[i] as (v: string) => unknown)(cell));
        }
        rows++;
      }
      flush(false);
      if (!next && end < lastRow) next = request(end + 1);
    }
    flush(true);
    db.exec('COMMIT');
  } finally {
    db.close();
  }
  return { calls: counter.calls, rows };
}
