import { events } from '../api/contract';
import type { EventCheck } from '../base/event-hub';

/** Problems named in a refused event's message. */
const MAX_ISSUES = 5;

/** An event payload against the contract's schema of that event (core/api/contract.ts `events`). */
export const checkEventPayload: EventCheck = (event, payload) => {
  const checked = events[event].safeParse(payload);
  if (checked.success) return null;
  return checked.error.issues
    .slice(0, MAX_ISSUES)
    .map((issue) => `${issue.path.map(String).join('.') || '(payload)'}: ${issue.message}`)
    .join('; ');
};
