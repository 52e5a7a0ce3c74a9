import { randomUUID } from 'node:crypto';
import Database from 'better-sqlite3';
import { fetchJson } from './harness';

/**
 * The bare floor of a media import of the same cloud, end to end: plain
 * fetch paging of the same emulator's search (500 a page, the one listing
 * the engine also sends, `context` asked for since clips name their parent
 * video there), then a bare better-sqlite3 pass: the users by email and the
 * public ids already in videos and clips, and one INSERT transaction of the
 * missing rows with the engine's columns. No findings, audit, resume points
 * or row-by-row fallback: what any implementation must spend.
 */
interface MediaFloorWorld {
  url: string;
  cloud: { cloudName: string; apiKey: string; apiSecret: string };
  /** A copy of the product DB as seeded (the product run has filled the original). */
  dbPath: string;
}

interface Resource {
  public_id: string;
  asset_folder: string;
  display_name?: string;
  secure_url?: string;
  duration?: number;
  bytes?: number;
  created_at?: string;
  context?: Record<string, string>;
}

/** Every page of the search, as plain fetch paging (the floor's listing; also the bench's emulator warm-up). */
export async function floorSearchAll(world: Pick<MediaFloorWorld, 'url' | 'cloud'>, counter: { calls: number }): Promise<Resource[]> {
  const authorization = `Basic ${Buffer.from(`${world.cloud.apiKey}:${world.cloud.apiSecret}`).toString('base64')}`;
  const resources: Resource[] = [];
  let cursor: string | undefined;
  do {
    const body = { expression: 'asset_folder:"media/users/*" AND resource_type:video', max_results: 500, with_field: ['context'], ...(cursor ? { next_cursor: cursor } : {}) };
    const page = await fetchJson<{ resources: Resource[]; next_cursor?: string }>(counter, `${world.url}/v1_1/${world.cloud.cloudName}/resources/search`, {
      method: 'POST',
      headers: { authorization, 'content-type': 'application/json' },
      body: JSON.stringify(body),
    });
    for (const resource of page.resources) resources.push(resource);
    cursor = page.next_cursor;
  } while (cursor);
  return resources;
}

export async function mediaImportFloor(world: MediaFloorWorld): Promise<{ calls: number; assets: number; inserted: number }> {
  const counter = { calls: 0 };
  const resources = await floorSearchAll(world, counter);

  const db = new Database(world.dbPath);
  try {
    const users = new Map((db.prepare('SELECT id, email FROM users').raw().all() as [string, string][]).map(([id, email]) => [email.toLowerCase(), id]));
    const known = new Set(db.prepare('SELECT public_id FROM videos UNION ALL SELECT public_id FROM clips').pluck().all() as string[]);
    const videoRow = new Map(db.prepare('SELECT public_id, id FROM videos').raw().all() as [string, string][]);
    const columns = 'id, user_id, public_id, title, secure_url, thumbnail_url, duration_seconds, bytes, created_at';
    const video = db.prepare(`INSERT INTO videos (${columns}) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?) ON CONFLICT (public_id) DO NOTHING`);
    const clip = db.prepare(`INSERT INTO clips (${columns}, video_id) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?) ON CONFLICT (public_id) DO NOTHING`);
    let inserted = 0;
    db.transaction(() => {
      // Videos first: a clip's row points at its parent video's row.
      for (const wantClips of [false, true]) {
        for (const r of resources) {
          const [, , email = '', kind] = r.asset_folder.split('/');
          if ((kind === 'clips') !== wantClips || known.has(r.public_id)) continue;
          const userId = users.get(email.toLowerCase());
          if (!userId) continue;
          const id = randomUUID();
          const values = [id, userId, r.public_id, r.display_name ?? null, r.secure_url ?? null, null, r.duration ?? null, r.bytes ?? null, r.created_at ?? null];
          if (wantClips) inserted += clip.run(...values, videoRow.get(r.context?.parent_video ?? '') ?? null).changes;
          else {
            inserted += video.run(...values).changes;
            videoRow.set(r.public_id, id);
          }
        }
      }
    })();
    return { calls: counter.calls, assets: resources.length, inserted };
  } finally {
    db.close();
  }
}
