import { createWriteStream, type WriteStream } from 'node:fs';
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { once } from 'node:events';

/**
 * Bounded memory between phases: what one phase produces is streamed to a
 * temporary file and the next phase streams it back, so a 100 MB sheet never
 * sits in memory as a whole (the "never a whole-file string").
 * The directory is removed when the import ends, however it ends.
 */
export class Spool {
  private constructor(readonly dir: string) {}

  static async create(): Promise<Spool> {
    return new Spool(await mkdtemp(join(tmpdir(), 'syncwarden-sheet-')));
  }

  file(name: string): string {
    return join(this.dir, name);
  }

  async dispose(): Promise<void> {
    await rm(this.dir, { recursive: true, force: true });
  }
}

/** Appends to a file, waiting for the disk only when the stream's buffer is full. */
export class SpoolWriter {
  private readonly out: WriteStream;
  bytes = 0;

  constructor(path: string) {
    this.out = createWriteStream(path);
    // Errors surface from write() or close(); an unhandled 'error' event would crash the host.
    this.out.on('error', () => undefined);
  }

  async write(chunk: string | Uint8Array): Promise<void> {
    this.bytes += typeof chunk === 'string' ? Buffer.byteLength(chunk) : chunk.byteLength;
    if (!this.out.write(chunk)) await once(this.out, 'drain');
  }

  async close(): Promise<void> {
    if (this.out.closed) return;
    this.out.end();
    await once(this.out, 'close');
  }
}
