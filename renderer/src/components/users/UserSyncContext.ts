import type { IdentityUserRow, Run } from '@core/api';
import { createContext, useContext } from 'react';

export interface UserSync {
  /** The identity run in progress (any: only one runs at a time). */
  activeRun: Run | null;
  /** The row whose Sync button started the active or starting run. */
  syncingRow: number | null;
  /** Repairs one user; `confirmed` carries what a confirmation dialog allowed (destructive actions). */
  sync(row: IdentityUserRow, confirmed?: SyncConfirmation): void;
}

export interface SyncConfirmation {
  /** The destructive actions confirmed: one, for a row. */
  confirmDestructive?: number;
  /** One removal, stated, for the mass-deletion guard of a small users table. */
  confirmDeletes?: number;
  relink?: true;
}

export const UserSyncContext = createContext<UserSync>({ activeRun: null, syncingRow: null, sync: () => undefined });

export const useUserSync = () => useContext(UserSyncContext);
