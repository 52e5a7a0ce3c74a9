import { randomUUID } from 'node:crypto';
import Database from 'better-sqlite3';
import { TEST_CLIENT } from '../tests/emulators/google/test-support';
import { eachLimited, fetchJson } from './harness';

/**
 * The bare floor of a first mail import of the same mailboxes: per user a
 * token refresh (the stored rows hold refresh tokens only), one getProfile
 * (the history cursor the engine keeps: the start-token call), the
 * messages.list pages of the 30-day window (500 a page) and one
 * messages.get per message (format=metadata, three headers: Gmail has no
 * batch in googleapis, api-facts §4), all by plain fetch; then one bare
 * better-sqlite3 INSERT transaction of the user's rows. Users 2 at a time
 * and 8 reads per user in flight, as the engine runs them.
 */
interface MailFloorWorld {
  rootUrl: string;
  tokenUrl: string;
  /** A copy of the product DB as seeded (the product run has filled the original). */
  dbPath: string;
  users: number;
}

const USERS_AT_ONCE = 2;
const READS_PER_USER = 8;
const WINDOW_DAYS = 30;

interface Metadata {
  id: string;
  threadId: string;
  snippet?: string;
  internalDate?: string;
  payload?: { headers?: { name: string; value: string }[] };
}

export async function mailImportFloor(world: MailFloorWorld): Promise<{ calls: number; messages: number; inserted: number }> {
  const counter = { calls: 0 };
  const db = new Database(world.dbPath);
  const insert = db.prepare(
    'INSERT INTO emails (id, user_id, gmail_message_id, thread_id, subject, from_address, snippet, received_at) VALUES (?, ?, ?, ?, ?, ?, ?, ?) ON CONFLICT (user_id, gmail_message_id) DO NOTHING',
  );
  let messages = 0;
  let inserted = 0;
  const after = Math.floor(Date.now() / 1000) - WINDOW_DAYS * 86_400;
  const users = Array.from({ length: world.users }, (_, i) => i);
  try {
    await eachLimited(users, USERS_AT_ONCE, async (i) => {
      const form = new URLSearchParams({ grant_type: 'refresh_token', refresh_token: `1//refresh-user${i}`, client_id: TEST_CLIENT.clientId, client_secret: TEST_CLIENT.clientSecret });
      const { access_token } = await fetchJson<{ access_token: string }>(counter, world.tokenUrl, { method: 'POST', headers: { 'content-type': 'application/x-www-form-urlencoded' }, body: form.toString() });
      const headers = { authorization: `Bearer ${access_token}` };
      const base = `${world.rootUrl}gmail/v1/users/me`;
      await fetchJson(counter, `${base}/profile`, { headers });
      const ids: string[] = [];
      let pageToken: string | undefined;
      do {
        const query = new URLSearchParams({ maxResults: '500', q: `after:${after}`, ...(pageToken ? { pageToken } : {}) });
        const page = await fetchJson<{ messages?: { id: string }[]; nextPageToken?: string }>(counter, `${base}/messages?${query}`, { headers });
        for (const m of page.messages ?? []) ids.push(m.id);
        pageToken = page.nextPageToken;
      } while (pageToken);
      const rows: unknown[][] = [];
      const metadata = 'format=metadata&metadataHeaders=Subject&metadataHeaders=From&metadataHeaders=Date';
      await eachLimited(ids, READS_PER_USER, async (id) => {
        const m = await fetchJson<Metadata>(counter, `${base}/messages/${id}?${metadata}`, { headers });
        const header = (name: string) => m.payload?.headers?.find((h) => h.name === name)?.value ?? null;
        rows.push([randomUUID(), `u${i}`, m.id, m.threadId, header('Subject'), header('From'), m.snippet ?? null, m.internalDate ? new Date(Number(m.internalDate)).toISOString() : null]);
      });
      messages += ids.length;
      db.transaction(() => {
        for (const row of rows) inserted += insert.run(...row).changes;
      })();
    });
  } finally {
    db.close();
  }
  return { calls: counter.calls, messages, inserted };
}
