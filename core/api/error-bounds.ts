import type { ApiErrorBody } from './errors';
import { jsonBytes } from './limits';

/**
 * An error answer is itself small, whatever provoked it (DESIGN §4.11). A refusal is built from what the caller
 * sent: zod's "Unrecognized keys" names every key, and one issue per bad array entry lists them all, so a
 * 600 KB input could be answered with tens of MB (and an IPC input with far more). Every answer dispatch gives
 * back goes through boundedErrorBody, so its size is bounded by these numbers, not by the input.
 */
export const MAX_ERROR_MESSAGE_CHARS = 1_000;
/** Issues kept in `details.issues`; the rest are counted in `details.issuesNotShown`. */
export const MAX_ERROR_ISSUES = 20;
const MAX_ISSUE_MESSAGE_CHARS = 300;
/** Path segments kept per issue (inputs nest at most MAX_INPUT_DEPTH = 64), and characters per segment. */
const MAX_ISSUE_PATH = 64;
const MAX_PATH_SEGMENT_CHARS = 100;
/** Details larger than this (after the issues are cut) are replaced by a note: no details is better than a huge one. */
export const MAX_ERROR_DETAILS_BYTES = 16 * 1024;

interface BoundedIssue {
  path: string[];
  code: string;
  message: string;
}

/** The body with its message cut, its issues cut to the first few (each one short) and oversize details dropped. */
export function boundedErrorBody(body: ApiErrorBody): ApiErrorBody {
  const message = cut(body.message, MAX_ERROR_MESSAGE_CHARS);
  if (body.details === undefined) return { code: body.code, message };
  const details = boundedDetails(body.details);
  return { code: body.code, message, details };
}

/**
 * zod's issues (or anything of that shape) as a bounded list: only the first MAX_ERROR_ISSUES are looked at, so
 * a list of a million costs what twenty do. Each keeps its path, code and message; anything else an issue
 * carries (zod's `keys`, the full list an "Unrecognized keys" issue names) is left out.
 */
export function boundedIssues(issues: readonly unknown[]): { issues: BoundedIssue[]; issuesNotShown?: number } {
  const kept = issues.slice(0, MAX_ERROR_ISSUES).map(boundedIssue);
  const notShown = issues.length - kept.length;
  return notShown > 0 ? { issues: kept, issuesNotShown: notShown } : { issues: kept };
}

function boundedDetails(details: unknown): unknown {
  let bounded = details;
  if (typeof details === 'object' && details !== null && !Array.isArray(details) && Array.isArray((details as { issues?: unknown }).issues)) {
    const { issues, ...rest } = details as { issues: unknown[] } & Record<string, unknown>;
    bounded = { ...rest, ...boundedIssues(issues) };
  }
  return jsonBytes(bounded) <= MAX_ERROR_DETAILS_BYTES ? bounded : { omitted: `details larger than ${MAX_ERROR_DETAILS_BYTES / 1024} KB were left out` };
}

function boundedIssue(issue: unknown): BoundedIssue {
  const { path, code, message } = (typeof issue === 'object' && issue !== null ? issue : {}) as { path?: unknown; code?: unknown; message?: unknown };
  return {
    path: Array.isArray(path) ? path.slice(0, MAX_ISSUE_PATH).map((segment) => cut(String(segment), MAX_PATH_SEGMENT_CHARS)) : [],
    code: typeof code === 'string' ? cut(code, MAX_PATH_SEGMENT_CHARS) : 'custom',
    message: cut(typeof message === 'string' ? message : 'invalid', MAX_ISSUE_MESSAGE_CHARS),
  };
}

/** At most `max` characters, an ellipsis marking a cut (never half of a surrogate pair). */
function cut(text: string, max: number): string {
  if (text.length <= max) return text;
  const end = /[\uD800-\uDBFF]/.test(text.charAt(max - 2)) ? max - 2 : max - 1;
  return `${text.slice(0, end)}…`;
}
