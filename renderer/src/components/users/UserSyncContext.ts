import type { IdentityUserRow, Run } from '@core/api';
import { createContext, useContext } from 'react';

export interface UserSync {
  /** The identity run in progress (any: only one runs at a time). */
  activeRun: Run | null;
  /** The row whose Sync button started the active or starting run. */
  syncingRow: number | null;
  sync(row: IdentityUserRow): void;
}

export const UserSyncContext = createContext<UserSync>({ activeRun: null, syncingRow: null, sync: () => undefined });

export const useUserSync = () => useContext(UserSyncContext);
