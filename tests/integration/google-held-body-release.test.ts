import { createServer, type Server, type ServerResponse } from 'node:http';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { DriveConnector, SheetsConnector } from '../../core/connectors/google';
import { InMemoryTokenStore } from '../../core/connectors/shared/oauth-tokens';
import { Deadlines } from '../../core/engines/sheet-import/deadlines';
import { csvExportRecords } from '../../core/engines/sheet-import/download-csv';
import { until } from '../helpers/wait';

/**
 * A held body (held-body.ts) is no longer given up by the garbage collector, so every path that stops reading
 * one must give it up itself, or its connection stays open (found by the outside review of the change):
 * a CSV export whose spreadsheet-size request then fails, and a consumer that breaks out of a values window.
 * The server streams without end and counts the responses still open.
 */
const open = new Set<ServerResponse>();
let server: Server;
let rootUrl = '';

beforeAll(async () => {
  server = createServer((req, res) => {
    const url = req.url ?? '';
    if (url.includes('/export') || url.includes('/values/')) {
      open.add(res);
      res.on('close', () => open.delete(res));
      // Chunked, no Content-Length (as Drive's export): written for as long as the client reads.
      res.writeHead(200, { 'content-type': url.includes('/export') ? 'text/csv' : 'application/json' });
      const chunk = url.includes('/export') ? `id,${'x'.repeat(200)}\r\n`.repeat(100) : `{"range":"A1:B2","majorDimension":"ROWS","values":[${'["a","b"],'.repeat(2000)}`;
      const push = () => {
        while (!res.destroyed && res.write(chunk));
      };
      res.on('drain', push);
      push();
      return;
    }
    // spreadsheets.get: the Sheets API is off in this project (Drive is on).
    res.writeHead(403, { 'content-type': 'application/json' });
    res.end(JSON.stringify({ error: { code: 403, message: 'Google Sheets API has not been used in project 1 before or it is disabled.', status: 'PERMISSION_DENIED', errors: [{ reason: 'accessNotConfigured', domain: 'usageLimits', message: 'off' }] } }));
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  rootUrl = `http://127.0.0.1:${(server.address() as { port: number }).port}/`;
});
afterAll(() => new Promise<void>((resolve) => server.close(() => resolve())));

const options = () => ({
  clientId: 'c',
  clientSecret: 's',
  rootUrl,
  tokenUrl: `${rootUrl}token`,
  tokens: new InMemoryTokenStore({ accessToken: 'token', refreshToken: 'refresh', expiresAt: Date.now() + 3_600_000 }),
  timeoutMs: 30_000,
  policy: { concurrency: 4, maxAttempts: 1 },
});
const noop = () => undefined;

describe('a held Google body is given up on every path that stops reading it', () => {
  it('a CSV export whose spreadsheet size cannot be read (3 failed imports leave no export open)', async () => {
    for (let attempt = 0; attempt < 3; attempt++) {
      const deadlines = new Deadlines(new AbortController().signal, { connectMs: 10_000, idleMs: 10_000, totalMs: 60_000 });
      const download = { spec: { spreadsheetId: 'sheet', method: 'csv-export' }, deadlines, progress: { phase: noop, count: noop }, report: { downloaded: noop }, tally: { rows: 0, bytes: 0 } };
      const rows = csvExportRecords(new DriveConnector(options()), new SheetsConnector(options()), download as unknown as Parameters<typeof csvExportRecords>[2]);
      await expect(rows.next()).rejects.toMatchObject({ reason: 'accessNotConfigured' });
      deadlines.dispose();
    }
    await until(() => open.size === 0, 5000, 'every export response closed');
  });

  it('a consumer that breaks out of a values window', async () => {
    const body = await new SheetsConnector(options()).getValuesStream('sheet', 'A1:B100000');
    for await (const chunk of body) {
      expect(chunk.byteLength).toBeGreaterThan(0);
      break;
    }
    await until(() => open.size === 0, 5000, 'every export response closed');
  });
});
