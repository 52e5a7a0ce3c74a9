import type { StorageProvider } from '../../api/storage';
import type { FindingSink } from '../engine';
import { accountKey, readAccount, type AccountState } from './account-state';
import type { KeyValue } from './state-commits';
import { commitInOrder, type StateEntry } from './state-commits';

/** Accounts whose writes are held before they are written together: one commit where there was one per account and per seen set. */
const ACCOUNTS_PER_WRITE = 16;
/** Or sooner, once their seen sets hold this many keys (a few large accounts). */
const KEYS_PER_WRITE = 20_000;

/** One account of the check: the state it read when it began, its seen set's entries, and what it concluded. */
interface HeldAccount {
  userId: string;
  provider: StorageProvider;
  read: AccountState;
  seen: StateEntry[];
  /** The seen set as the pass loaded it (SeenRows.save, unchanged): written only if another check wrote the account since. */
  seenIfWritten: StateEntry[];
  patch: Partial<AccountState>;
}

/** What the check hands one account: where its seen set writes (SeenRows' writer), and its conclusion. */
export interface AccountWrite {
  seenWriter(entries: readonly StateEntry[], unchanged: boolean): Promise<void>;
  done(patch: Partial<AccountState>): Promise<void>;
}

/**
 * What a check concludes about its accounts (each one's seen set, DESIGN §4.7, and its state: cursor, last full
 * pass, counts), written after the findings those accounts produced, a few accounts at a time.
 *
 * Invariant: no account's state or seen set is committed before every finding added before it. A state that
 * says an account was read in full lets the next check run a delta that skips the rows it saw; were it
 * committed while the findings sink still buffered that pass's findings, a process that died in between would
 * hide them until the next full pass. Written together, a few accounts cost one commit where each cost two
 * (the seen set, then the state) and a read of each (issue 19).
 *
 * A held conclusion meets whatever happened to its account meanwhile:
 * - a restore or repair moved the account's file count (storage-restore.ts, storage-repair.ts): the change is
 *   kept, as the difference between the count stored now and the one the check read;
 * - another check (one user's, beside a check of all) concluded on the account after this one: its state and
 *   seen set are newer, and this check's are dropped, both (a seen set belongs with its cursor);
 * - the account left the roster: nothing is written back.
 * Once closed (the check is over), nothing more is written: a worker still finishing an account after its run
 * failed or was cancelled writes nothing.
 */
export class AccountWrites {
  private held: HeldAccount[] = [];
  private keys = 0;
  private closed = false;
  /** Writes in the order they were asked for: a later one never commits ahead of an earlier one. */
  private writing: Promise<void> = Promise.resolve();

  constructor(
    private readonly kv: KeyValue,
    private readonly findings: Pick<FindingSink, 'flush'>,
  ) {}

  /** An account's check begins, from the state it read. */
  begin(userId: string, provider: StorageProvider, read: AccountState): AccountWrite {
    const account: HeldAccount = { userId, provider, read, seen: [], seenIfWritten: [], patch: {} };
    return {
      seenWriter: async (entries, unchanged) => {
        (unchanged ? account.seenIfWritten : account.seen).push(...entries);
        for (const [, value] of entries) if (Array.isArray(value)) this.keys += value.length;
      },
      done: async (patch) => {
        if (this.closed) return;
        account.patch = patch;
        this.held.push(account);
        if (this.held.length >= ACCOUNTS_PER_WRITE || this.keys >= KEYS_PER_WRITE) await this.flush();
      },
    };
  }

  /** Writes every account done so far, after the findings added so far; resolves once it is committed. */
  flush(): Promise<void> {
    const held = this.held;
    this.held = [];
    this.keys = 0;
    const write = this.writing.then(() => this.write(held));
    // A failed write fails its caller; the next one still runs after it (its accounts are simply not recorded).
    this.writing = write.catch(() => undefined);
    return write;
  }

  /** The last flush: what is done is written, and nothing after it. */
  close(): Promise<void> {
    const last = this.flush();
    this.closed = true;
    return last;
  }

  private async write(held: readonly HeldAccount[]): Promise<void> {
    if (held.length === 0) return;
    await this.findings.flush();
    const entries: StateEntry[] = [];
    for (const account of held) {
      const stored = await readAccount(this.kv, account.userId, account.provider);
      if (!stored || concludedLater(stored, account)) continue;
      // Another check wrote the account since this one read it (and concluded before it): its seen set may be gone
      // (a pass without a cursor drops it) or another, so this pass's own goes with its cursor even if unchanged.
      entries.push(...account.seen, ...(writtenSince(stored, account) ? account.seenIfWritten : []), [accountKey(account.userId, account.provider), merged(stored, account)]);
    }
    await commitInOrder(this.kv, entries);
  }
}

/** Another check wrote its conclusion on this account after this check read it, and concluded after this one did. */
function concludedLater(stored: AccountState, account: HeldAccount): boolean {
  return writtenSince(stored, account) && (stored.lastCheckAt ?? '') > (account.patch.lastCheckAt ?? '');
}

/** Another check wrote its conclusion on this account after this check read it. */
function writtenSince(stored: AccountState, account: HeldAccount): boolean {
  return stored.lastCheckAt !== account.read.lastCheckAt || stored.lastRunId !== account.read.lastRunId;
}

/** The conclusion over the state stored now: a file count moved since the check read it keeps its move. */
function merged(stored: AccountState, account: HeldAccount): AccountState {
  const { patch, read } = account;
  if (patch.files === undefined) return { ...stored, ...patch };
  return { ...stored, ...patch, files: Math.max(0, patch.files + (stored.files - read.files)) };
}
