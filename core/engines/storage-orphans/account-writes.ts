import type { StorageProvider } from '../../api/storage';
import type { FindingSink } from '../engine';
import { accountKey, readAccount, type AccountState, type KeyValue } from './account-state';
import { commitInOrder, type StateEntry } from './state-commits';

/** Accounts whose writes are held before they are written together: one commit where there was one per account and per seen set. */
const ACCOUNTS_PER_WRITE = 16;
/** Or sooner, once their seen sets hold this many keys (a few large accounts). */
const KEYS_PER_WRITE = 20_000;

type Pending = { kind: 'entries'; entries: readonly StateEntry[] } | { kind: 'state'; userId: string; provider: StorageProvider; patch: Partial<AccountState> };

/**
 * What a check concludes about its accounts (each one's seen set, DESIGN §4.7, and its state: cursor, last full
 * pass, counts), written after the findings those accounts produced, a few accounts at a time.
 *
 * Invariant: no account's state or seen set is committed before every finding added before it. A state that
 * says an account was read in full lets the next check run a delta that skips the rows the pass saw; were it
 * committed while the findings sink still buffered that pass's findings, a process that died in between would
 * hide them until the next full pass. Written together, a few accounts cost one commit where each cost two
 * (the seen set, then the state) and a read of each (issue 19).
 */
export class AccountWrites {
  private pending: Pending[] = [];
  private accounts = 0;
  private keys = 0;
  /** Writes in the order they were asked for: a later one never commits ahead of an earlier one. */
  private writing: Promise<void> = Promise.resolve();

  constructor(
    private readonly kv: KeyValue,
    private readonly findings: Pick<FindingSink, 'flush'>,
  ) {}

  /** A seen set's entries (SeenRows' writer), written with its account's state. */
  readonly seenWriter = async (entries: readonly StateEntry[]): Promise<void> => {
    this.pending.push({ kind: 'entries', entries });
    for (const [, value] of entries) if (Array.isArray(value)) this.keys += value.length;
  };

  /** An account's check is over: its state patch is merged into the state stored when it is written (a repair may have changed it meanwhile). */
  async accountDone(userId: string, provider: StorageProvider, patch: Partial<AccountState>): Promise<void> {
    this.pending.push({ kind: 'state', userId, provider, patch });
    this.accounts++;
    if (this.accounts >= ACCOUNTS_PER_WRITE || this.keys >= KEYS_PER_WRITE) await this.flush();
  }

  /** Writes everything held so far, after the findings added so far; resolves once it is committed. */
  flush(): Promise<void> {
    const held = this.pending;
    this.pending = [];
    this.accounts = 0;
    this.keys = 0;
    const write = this.writing.then(() => this.write(held));
    // A failed write fails its caller; the next one still runs after it.
    this.writing = write.catch(() => undefined);
    return write;
  }

  private async write(held: readonly Pending[]): Promise<void> {
    if (held.length === 0) return;
    await this.findings.flush();
    const entries: StateEntry[] = [];
    for (const item of held) {
      if (item.kind === 'entries') {
        entries.push(...item.entries);
        continue;
      }
      const known = await readAccount(this.kv, item.userId, item.provider);
      // An account gone from the roster meanwhile stays gone (updateAccount's rule).
      if (known) entries.push([accountKey(item.userId, item.provider), { ...known, ...item.patch }]);
    }
    await commitInOrder(this.kv, entries);
  }
}
