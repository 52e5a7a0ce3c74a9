import type { EngineStateRepository } from '../store/engine-state.repo';

interface StoredPause {
  until: string | null;
  indefinitely: boolean;
}

const OWNER = 'scheduler';
const KEY = 'pause';

/**
 * "Pause schedules for 1 hour / until resumed", kept in the store so a
 * restart (or the daemon sharing this store) honours it. A pause whose time
 * has passed reads as not paused.
 */
/** A pause as the status shows it: until a time, until resumed, or neither. */
export interface PauseView {
  pausedUntil: string | null;
  pausedIndefinitely: boolean;
}

export class PauseState {
  /** Read once and kept: the scheduler asks on every tick. */
  private stored: StoredPause | undefined;
  private loading: Promise<void> | undefined;
  /** Set or cleared here since the read began: what was read is older, and is not kept. */
  private changedHere = false;

  constructor(
    private readonly state: EngineStateRepository,
    private readonly now: () => number,
  ) {}

  /** Reads the stored pause once (the scheduler awaits it before it first fires); later calls share that read. */
  load(): Promise<void> {
    this.loading ??= this.state.get<StoredPause>(OWNER, KEY).then(
      (stored) => {
        if (!this.changedHere) this.stored = stored;
      },
      (error: unknown) => {
        // Read again next time rather than keep the failure.
        this.loading = undefined;
        throw error;
      },
    );
    return this.loading;
  }

  get(): PauseView {
    const stored = this.stored;
    if (!stored) return { pausedUntil: null, pausedIndefinitely: false };
    if (stored.indefinitely) return { pausedUntil: null, pausedIndefinitely: true };
    if (stored.until && Date.parse(stored.until) > this.now()) return { pausedUntil: stored.until, pausedIndefinitely: false };
    return { pausedUntil: null, pausedIndefinitely: false };
  }

  isPaused(): boolean {
    const { pausedUntil, pausedIndefinitely } = this.get();
    return pausedIndefinitely || pausedUntil !== null;
  }

  /** Applies at once (get() says so on return) and resolves when stored; a write that fails puts the old pause back. */
  set(minutes: number | null): Promise<void> {
    const value: StoredPause = minutes === null ? { until: null, indefinitely: true } : { until: new Date(this.now() + minutes * 60_000).toISOString(), indefinitely: false };
    return this.applyPause(value, () => this.state.set(OWNER, KEY, value, new Date(this.now()).toISOString()));
  }

  clear(): Promise<void> {
    return this.applyPause(undefined, () => this.state.delete(OWNER, KEY));
  }

  private async applyPause(value: StoredPause | undefined, write: () => Promise<void>): Promise<void> {
    const previous = this.stored;
    const previousChanged = this.changedHere;
    this.stored = value;
    this.changedHere = true;
    try {
      await write();
    } catch (error) {
      if (this.stored === value) {
        this.stored = previous;
        this.changedHere = previousChanged;
      }
      throw error;
    }
  }
}
