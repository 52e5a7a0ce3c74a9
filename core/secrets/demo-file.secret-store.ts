import { existsSync, readFileSync, renameSync, rmSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { isOwnFile } from '../store/data-dir';
import type { SecretStore } from './secret-store';

/**
 * The demo's secret store: a JSON file inside the demo's data directory, mode 0600, so the console that
 * `npm run demo` starts and the CLI pointed at the same dir (`--data-dir .syncwarden/demo`) open the same
 * secrets. It holds only the demo's made-up emulator credentials.
 *
 * Invariant: it is chosen only for a data dir that holds DEMO_MARKER, which only scripts/demo writes
 * (select-secret-store.ts is the one place that decides). A real installation never has the marker, so
 * real secrets never land in a plain file.
 */
export const DEMO_MARKER = 'DEMO-WORKSPACE';
export const DEMO_SECRETS_FILE = 'demo-secrets.json';

const MARKER_TEXT =
  'This data directory belongs to `npm run demo`. Its secrets are the demo emulators\' made-up credentials, kept in ' +
  `${DEMO_SECRETS_FILE} (mode 0600) so the CLI can open them too. Never put real secrets here.\n`;

/** The marker must be our own file: another user's (planted in a folder they share with us) would move real secrets into a plain file. */
export function isDemoDataDir(dataDir: string): boolean {
  return isOwnFile(join(dataDir, DEMO_MARKER));
}

/** Called by the demo only: marks `dataDir` as the demo's, so the file store is chosen for it. */
export function markDemoDataDir(dataDir: string): void {
  writeFileSync(join(dataDir, DEMO_MARKER), MARKER_TEXT, { mode: 0o600 });
}

export class DemoFileSecretStore implements SecretStore {
  readonly kind = 'demo-file' as const;
  private readonly path: string;

  constructor(dataDir: string) {
    this.path = join(dataDir, DEMO_SECRETS_FILE);
  }

  // Read on every call: the console and a CLI process share the file, and either may have written last.
  async get(key: string): Promise<string | null> {
    return this.read()[key] ?? null;
  }

  async set(key: string, value: string): Promise<void> {
    this.write({ ...this.read(), [key]: value });
  }

  async delete(key: string): Promise<void> {
    const { [key]: _gone, ...rest } = this.read();
    this.write(rest);
  }

  private read(): Record<string, string> {
    if (!existsSync(this.path)) return {};
    const parsed: unknown = JSON.parse(readFileSync(this.path, 'utf8'));
    if (typeof parsed !== 'object' || parsed === null || Array.isArray(parsed)) throw new Error(`${this.path} is not a JSON object of secrets.`);
    return Object.fromEntries(Object.entries(parsed).filter((entry): entry is [string, string] => typeof entry[1] === 'string'));
  }

  /** Written to a temp file (0600 from birth) and renamed over: a reader never sees half a file, nor a wider mode. */
  private write(values: Record<string, string>): void {
    const temp = `${this.path}.${process.pid}.tmp`;
    // A new file (wx: never an old one, nor through a link left in its place), 0600 from birth.
    rmSync(temp, { force: true });
    writeFileSync(temp, `${JSON.stringify(values, null, 2)}\n`, { mode: 0o600, flag: 'wx' });
    renameSync(temp, this.path);
  }
}
