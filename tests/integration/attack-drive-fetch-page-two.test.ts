import { request as httpRequest, type IncomingMessage, type ServerResponse } from 'node:http';
import { gzipSync } from 'node:zlib';
import { describe, expect, it } from 'vitest';
import { manyFiles } from '../emulators/google/test-support';
import { resultOf } from './storage-orphans.setup';
import { useProxiedStorageWorlds } from './storage-orphans-proxied';

/**
 * Attack (#19, plain-fetch Drive listing): the second of three files.list
 * pages answered by something else, through a proxy set as the connection's
 * rootUrl. Foreign bodies leave the account unknown with no orphan; Drive's
 * own transient answers (a 401 cured by a refresh, a 403 rate limit with
 * Retry-After) and a gzip-encoded page resume the same listing and conclude.
 * All of these hold on the plain-fetch path.
 */
const worlds = useProxiedStorageWorlds();

type Answer = (req: IncomingMessage, res: ServerResponse, upstream: string) => void;
const send = (status: number, body: string | Buffer, headers: Record<string, string> = { 'content-type': 'application/json; charset=UTF-8' }): Answer => (_req, res) => {
  res.writeHead(status, headers);
  res.end(body);
};
const envelope = (code: number, reason: string) => JSON.stringify({ error: { code, message: reason, errors: [{ reason, domain: 'global' }] } });

/** The real page, gzip-encoded as Google sends it to a client that asks. */
const gzipped: Answer = (req, res, upstream) => {
  const url = new URL(upstream);
  httpRequest({ host: url.hostname, port: url.port, path: req.url, headers: { authorization: req.headers.authorization ?? '' } }, (answer) => {
    const chunks: Buffer[] = [];
    answer.on('data', (c: Buffer) => chunks.push(c));
    answer.on('end', () => send(answer.statusCode ?? 502, gzipSync(Buffer.concat(chunks)), { 'content-type': 'application/json; charset=UTF-8', 'content-encoding': 'gzip' })(req, res, upstream));
  }).end();
};

const FOREIGN: Record<string, Answer> = {
  'incompleteSearch on page two': send(200, JSON.stringify({ files: [], incompleteSearch: true })),
  'an HTML 200': send(200, '<!DOCTYPE html><title>Sign in</title>', { 'content-type': 'text/html' }),
  'truncated JSON': send(200, '{"nextPageToken":"x","incompleteSearch":false,"files":[{"id":"g-1000","trashed":false},{"id":"g-10'),
  'gzip bytes without Content-Encoding': send(200, gzipSync(JSON.stringify({ files: [] }))),
  'an HTML 404': send(404, '<html><title>Error 404 (Not Found)!!1</title></html>', { 'content-type': 'text/html' }),
  "Drive's own 404 notFound (a listing page is never a statement about a file)": send(404, envelope(404, 'notFound')),
};
const TRANSIENT: Record<string, Answer> = {
  "Drive's 401 authError (refresh, then the same page again)": send(401, envelope(401, 'authError')),
  "a 403 rateLimitExceeded with Retry-After: 1": send(403, envelope(403, 'rateLimitExceeded'), { 'content-type': 'application/json', 'retry-after': '1' }),
  'a gzip-encoded page': gzipped,
};

/** Ada: 2,500 Drive files (three pages) and one row whose file is gone; page two of every listing answered by `answer` once. */
async function pageTwo(answer: Answer, always = false) {
  const world = await worlds.world([{ id: 'ada', drive: manyFiles(2500, 'root', 'g'), goneDrive: ['g-gone'] }]);
  const upstream = world.google.rootUrl;
  const p = await worlds.proxy(upstream);
  let pages = 0;
  let done = false;
  p.tamper = (req, res) => {
    if (!req.url?.startsWith('/drive/v3/files?')) return false;
    if (always) {
      answer(req, res, upstream);
      return true;
    }
    if (done || ++pages !== 2) return false;
    done = true;
    answer(req, res, upstream);
    return true;
  };
  await worlds.routeGoogle(world, p);
  return world;
}

describe('attack: page two of a Drive listing answered by something else', () => {
  for (const [name, answer] of Object.entries(FOREIGN)) {
    it(`${name}: unknown, no orphan`, async () => {
      // Every try of page two gets it (the policy retries transient failures).
      const w = await pageTwo(answer, true);
      const check = await w.run({ mode: 'check', strategy: 'list', full: true });
      expect(resultOf(check).orphans).toBe(0);
      expect(resultOf(check).results[0]).toMatchObject({ status: 'unknown' });
    });
  }
  for (const [name, answer] of Object.entries(TRANSIENT)) {
    it(`${name}: the listing resumes and concludes (the one gone file, nothing else)`, async () => {
      const w = await pageTwo(answer);
      const check = await w.run({ mode: 'check', strategy: 'list', full: true });
      expect(resultOf(check).results[0]).toMatchObject({ status: 'orphans', orphans: 1, filesChecked: 2501 });
    });
  }
});
