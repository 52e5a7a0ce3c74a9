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

  constructor(
    private readonly state: EngineStateRepository,
    private readonly now: () => number,
  ) {
    this.stored = state.get<StoredPause>(OWNER, KEY);
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

  set(minutes: number | null): void {
    const value: StoredPause = minutes === null ? { until: null, indefinitely: true } : { until: new Date(this.now() + minutes * 60_000).toISOString(), indefinitely: false };
    this.state.set(OWNER, KEY, value, new Date(this.now()).toISOString());
    this.stored = value;
  }

  clear(): void {
    this.state.delete(OWNER, KEY);
    this.stored = undefined;
  }
}
