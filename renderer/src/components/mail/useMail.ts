import type { Run } from '@core/api';
import { notifications } from '@mantine/notifications';
import { useQueryClient } from '@tanstack/react-query';
import { useMemo } from 'react';
import { useActiveRuns } from '../../hooks/useActiveRuns';
import { apiKey, useApiMutation } from '../../hooks/useApi';
import { useLiveState } from '../../hooks/live-context';
import { selectFinished } from '../../hooks/live-store';
import { useRunHistory } from '../../hooks/useRunHistory';

export const MAIL_ENGINE = 'mail-import';

/**
 * The mail-import runs the page shows: those running now, the history, and
 * the latest check (the preview), from the live state every run widget reads.
 * When a run finishes, LiveEventsProvider reads every query again, the
 * settings (cursor, last import, imported count) too.
 */
export function useMailRuns() {
  const { runs } = useActiveRuns();
  const live = useLiveState();
  const finished = useMemo(() => selectFinished(live), [live]);
  const history = useRunHistory({ engine: MAIL_ENGINE });
  const active = useMemo(() => runs.filter((run) => run.engine === MAIL_ENGINE), [runs]);
  const latestCheck = useMemo<Run | null>(() => {
    const fromLive = finished.find((run) => run.engine === MAIL_ENGINE && run.params.mode === 'check') ?? null;
    const stored = history.runs.find((run) => run.params.mode === 'check' && run.finishedAt !== null) ?? null;
    return fromLive && (!stored || fromLive.id >= stored.id) ? fromLive : stored;
  }, [finished, history.runs]);
  return { active, history, latestCheck };
}

/** Import now and Preview, for one user (by id) or for every user whose import is on. */
export function useMailActions() {
  const start = useApiMutation('runs.start', {
    onError: (error) => notifications.show({ color: 'red', title: 'The mail run did not start', message: error.message }),
  });
  const run = (mode: 'import' | 'check', user?: string) => start.mutate({ engine: MAIL_ENGINE, params: { mode, ...(user ? { user } : {}) } });
  return { importNow: (user?: string) => run('import', user), preview: (user?: string) => run('check', user), isPending: start.isPending };
}

/** Saves one user's switch or interval into the product database and refreshes the table. */
export function useMailSettingsUpdate() {
  const queryClient = useQueryClient();
  return useApiMutation('mail.settings.update', {
    onSuccess: () => void queryClient.invalidateQueries({ queryKey: apiKey('mail.settings') }),
    onError: (error) => notifications.show({ color: 'red', title: 'The mail setting was not saved', message: error.message }),
  });
}
