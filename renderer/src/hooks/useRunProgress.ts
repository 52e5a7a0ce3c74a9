import type { ProgressSnapshot } from '@core/api';
import { useLiveState } from './live-context';

/** Latest progress per active run, from `run.progress`; cleared on `run.finished`. */
export function useRunProgress(): ReadonlyMap<number, ProgressSnapshot> {
  return useLiveState().progress;
}
