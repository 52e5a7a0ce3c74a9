import type { TriggerDescription } from '@core/api';
import { useEffect, useState } from 'react';
import { useApiQuery } from '../../hooks/useApi';

/** Typing pauses this long before the host is asked; every keystroke need not be a request. */
const SETTLE_MS = 250;

/**
 * Live validation of the trigger being typed: the host (node-cron, the
 * scheduler's own words) says whether it is valid, how it reads, and when it
 * would fire next. The last answer stays on screen while the next one loads.
 */
export function useTriggerDescription(trigger: { kind: 'interval'; minutes: number } | { kind: 'cron'; expression: string }, timeZone: string) {
  const draft = JSON.stringify({ trigger, timeZone });
  const [settled, setSettled] = useState(draft);
  useEffect(() => {
    const timer = setTimeout(() => setSettled(draft), SETTLE_MS);
    return () => clearTimeout(timer);
  }, [draft]);
  const input = JSON.parse(settled) as { trigger: typeof trigger; timeZone: string };
  // NaN minutes (an empty field) cannot cross JSON; the form shows its own error then.
  const askable = input.trigger.kind === 'cron' ? input.trigger.expression.trim() !== '' : Number.isFinite(input.trigger.minutes);
  const query = useApiQuery('schedules.describe', { trigger: input.trigger, ...(input.timeZone ? { timeZone: input.timeZone } : {}) }, { enabled: askable, keepPrevious: true, staleTime: 60_000 });
  const description: TriggerDescription | undefined = askable ? query.data : undefined;
  return { description, pending: draft !== settled || query.isFetching };
}
