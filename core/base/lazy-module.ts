import { createRequire } from 'node:module';

const load = createRequire(__filename);

/**
 * A dependency required on first use instead of when the app starts.
 *
 * Every process imports all the engines, but many run one of them: a
 * `syncwarden` command from cron, a queue worker, an identity check. The
 * SDKs only some engines use (googleapis, cloudinary, pg with pg-boss) cost
 * about 40 MB of RSS and a third of the CLI's start-up to load
 * (docs/performance.md, sixth pass), so a module that needs one keeps
 * `import type` for its types and calls the loader where it uses a value.
 * Node caches the module, so later calls cost a property read.
 */
export function lazyModule<T>(id: string): () => T {
  let loaded: T | undefined;
  return () => (loaded ??= load(id) as T);
}
