import type { MethodOutput, Run } from '@core/api';
import { notifications } from '@mantine/notifications';
import { useQueryClient } from '@tanstack/react-query';
import { useEffect, useMemo } from 'react';
import { useActiveRuns } from '../../hooks/useActiveRuns';
import { apiKey, useApiMutation, useApiQuery } from '../../hooks/useApi';
import { useLiveState } from '../../hooks/live-context';
import { selectLatest } from '../../hooks/live-store';

export const STORAGE_ENGINE = 'storage-orphans';

export type StorageAccountRow = MethodOutput<'storage.accounts'>['items'][number];
export type StorageAccountStatus = StorageAccountRow['status'];
export type StorageProvider = StorageAccountRow['provider'];
export type StorageSummary = MethodOutput<'storage.summary'>;

/** The storage methods whose answers a finished run makes stale (findings and runs are LiveEventsProvider's). */
const STORAGE_QUERIES = ['storage.accounts', 'storage.summary', 'storage.restorability'] as const;
/** How often the counters are read again while a storage run is active. */
const MID_RUN_REFRESH_MS = 2000;

/**
 * The storage-orphans runs the page shows: those running now, else the latest
 * one, from the live state every run widget reads. Whenever a run finishes
 * (a check, a repair, a scheduled run or one started from the CLI)
 * LiveEventsProvider reads every query again, the summary and accounts too.
 * While one runs, the summary cards and the accounts table are read again
 * together every few seconds: each check writes its findings as it goes, and
 * cards fetched at one moment beside a table fetched at another disagreed.
 */
export function useStorageRuns(): { active: Run[]; latest: Run | null } {
  const { runs } = useActiveRuns();
  const live = useLiveState();
  const queryClient = useQueryClient();
  const history = useApiQuery('runs.list', { engine: STORAGE_ENGINE, limit: 1 });
  const active = useMemo(() => runs.filter((run) => run.engine === STORAGE_ENGINE), [runs]);
  const running = active.length > 0;
  useEffect(() => {
    if (!running) return;
    const timer = setInterval(() => {
      for (const method of ['storage.summary', 'storage.accounts'] as const) void queryClient.invalidateQueries({ queryKey: apiKey(method) });
    }, MID_RUN_REFRESH_MS);
    return () => clearInterval(timer);
  }, [running, queryClient]);
  const latest = selectLatest(live, history.data?.items[0], (run) => run.engine === STORAGE_ENGINE);
  return { active, latest };
}

export type StorageRepairChoice = ({ findingIds: number[] } | { all: true; user?: string }) & { allowUnrestorable?: true };

/**
 * Whether a quarantined row could be restored whole, asked before a repair (storage.restorability). When the
 * product database cannot even be asked, that is itself a reason to stop and tell the admin.
 */
export function useRestorability(): { problems: readonly string[]; retentionDays: number } {
  const answer = useApiQuery('storage.restorability', {});
  if (answer.error) return { problems: [`Could not tell whether a restore would bring rows back whole: ${answer.error.message}`], retentionDays: 30 };
  return { problems: answer.data?.problems ?? [], retentionDays: answer.data?.retentionDays ?? 30 };
}

/** The choice as confirmed: with the admin's agreement when a restore would not be whole. */
export const confirmed = (choice: StorageRepairChoice, allowUnrestorable: boolean): StorageRepairChoice => (allowUnrestorable ? { ...choice, allowUnrestorable: true } : choice);

/** Starts checks and repairs; their progress and results arrive by events. */
export function useStorageActions() {
  const start = useApiMutation('runs.start', {
    onSuccess: (answer) => {
      if (answer.alreadyRunning) notifications.show({ message: `That storage run is already in progress (run #${answer.runId}).`, autoClose: 3500 });
    },
    onError: (error) => notifications.show({ color: 'red', title: 'The run did not start', message: error.message }),
  });
  return {
    check: (scope: { user?: string; provider?: StorageProvider } = {}) => start.mutate({ engine: STORAGE_ENGINE, params: { mode: 'check', ...scope } }),
    repair: (choice: StorageRepairChoice) => start.mutate({ engine: STORAGE_ENGINE, params: { mode: 'repair', ...choice } }),
    isPending: start.isPending,
  };
}

/** Puts a quarantined row back; the answer is final (no run), so the lists are read again at once. */
export function useRestoreFinding() {
  const queryClient = useQueryClient();
  return useApiMutation('storage.restore', {
    onSuccess: (answer) => {
      notifications.show({ color: answer.restored ? 'teal' : 'gray', message: answer.message, autoClose: 3500 });
      for (const method of [...STORAGE_QUERIES, 'findings.list', 'audit.list'] as const) void queryClient.invalidateQueries({ queryKey: apiKey(method) });
    },
    onError: (error) => notifications.show({ color: 'red', title: 'Could not restore', message: error.message }),
  });
}
