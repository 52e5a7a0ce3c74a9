/**
 * Child process of sdk-warmup.test.ts: opens an app on a data dir as `host`, optionally adds connections
 * of the given kinds, and prints which of the lazily loaded SDK packages the process has loaded, one JSON line
 * per step. A fresh process per case: Node's module cache is process-wide, so a test in a shared worker
 * could not tell what this app loaded from what an earlier test did.
 */
import { createSyncwarden } from '../../core/app/app';
import { MemorySecretStore } from './memory.secret-store';

const LAZY = ['googleapis', 'cloudinary', 'pg'];
/** The lazy SDK packages this process has loaded, and `fetch` once Node's own fetch (its undici) is. */
const loaded = () => [
  ...LAZY.filter((name) => Object.keys(require.cache).some((file) => file.includes(`/node_modules/${name}/`))),
  ...(builtinsLoaded().includes('NativeModule internal/deps/undici/undici') ? ['fetch'] : []),
];
/** Node's list of the builtin modules it has compiled (not in @types/node). */
const builtinsLoaded = () => (process as unknown as { moduleLoadList: string[] }).moduleLoadList;

async function main(): Promise<void> {
  const [dataDir, host, ...kinds] = process.argv.slice(2) as [string, 'cli' | 'browser', ...string[]];
  const app = await createSyncwarden({ dataDir, host, secrets: new MemorySecretStore() });
  process.stdout.write(`${JSON.stringify({ step: 'started', loaded: loaded() })}\n`);
  for (const kind of kinds) {
    if (kind === 'google') await app.connections.create({ kind: 'google', name: 'Google', config: { clientId: 'client' }, secrets: { clientSecret: 'secret' } });
    if (kind === 'cloudinary') await app.connections.create({ kind: 'cloudinary', name: 'Media', config: { cloudName: 'demo', apiKey: 'key', rootFolder: 'media' }, secrets: { apiSecret: 'secret' } });
    if (kind === 'supabase') await app.connections.create({ kind: 'supabase', name: 'Supabase', config: { url: 'http://127.0.0.1:9' }, secrets: { serviceRoleKey: 'key' } });
    process.stdout.write(`${JSON.stringify({ step: `added ${kind}`, loaded: loaded() })}\n`);
  }
  await app.close();
}

void main();
