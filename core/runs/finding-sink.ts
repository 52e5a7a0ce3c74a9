import type { FindingSink } from '../engines/engine';
import type { FindingsRepository, NewFinding } from '../store/findings.repo';

/**
 * Buffers findings and writes them in batched transactions. A batch is small
 * enough to commit in a few milliseconds: `add` is synchronous, so a batch of
 * 1,000 findings (with their details JSON and indexes) held the host ~40 ms.
 */
export class BufferedFindingSink implements FindingSink {
  private buffer: NewFinding[] = [];
  private added = 0;
  /** Batches in the order they were cut: flush() resolves only once every batch cut before it is committed. */
  private writing: Promise<void> = Promise.resolve();

  constructor(
    private readonly repo: FindingsRepository,
    private readonly runId: number,
    private readonly engine: string,
    private readonly now: () => string,
    private readonly scope = 'all',
    private readonly batchSize = 250,
    /** The run's owner (this process): each batch lands only while it still owns the run (run-ownership.ts). */
    private readonly ownerId?: string,
  ) {}

  get count(): number {
    return this.added;
  }

  async add(finding: NewFinding): Promise<void> {
    this.buffer.push(finding);
    this.added += 1;
    if (this.buffer.length >= this.batchSize) await this.flush();
  }

  /**
   * Resolves once every finding added before the call is committed, including a batch another caller's flush
   * (an add that filled the buffer) is still writing: an engine that flushes before it records what its
   * findings justify (storage-orphans' account states) relies on that.
   */
  flush(): Promise<void> {
    const batch = this.buffer;
    this.buffer = [];
    // Chained without catching: once a batch failed, every later flush fails with its error, so no caller is
    // told its findings are written when some added before them were lost.
    this.writing = this.writing.then(() => (batch.length === 0 ? undefined : this.repo.insertMany(this.runId, this.engine, batch, this.now(), this.scope, this.ownerId)));
    return this.writing;
  }
}
