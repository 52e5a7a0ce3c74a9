import { createHash } from 'node:crypto';
import { ACTION_INFO, type RepairAction } from './identity-actions';

/**
 * What binds a destructive repair to the users the admin was shown (issue 15). A count is not enough: a check
 * between the dialog and the click (a schedule's, another admin's) can swap who is banned for someone of the
 * same count. The plan (identity.plan) therefore names each destructive action's subject and gives a digest
 * of them; "Repair all" sends that digest back, and the repair recomputes it from its own plan and refuses
 * when they differ. A bare `true` or count is taken only where the selection was chosen by hand (a user or
 * finding ids, never "all") and every destructive step of the plan itself is about one and the same user (the
 * row buttons): decided from what will be acted on, not from which params were sent, so `user: X` beside the
 * finding ids of X, Y and Z cannot pass a `true` meant for X on to Y and Z.
 */

/** One destructive action of a plan and whom it touches (the finding's subject: `user:<email>`, or an id). */
export interface DestructiveStep {
  action: RepairAction;
  subject: string;
}

/** Hex digits of a plan digest: short enough to read and type, long enough that no other set of users matches by chance. */
export const PLAN_DIGEST_LENGTH = 16;
export const PLAN_DIGEST = new RegExp(`^[0-9a-f]{${PLAN_DIGEST_LENGTH}}$`);

/**
 * The digest of a plan's destructive steps, whatever their order: SHA-256 of the JSON of the sorted
 * [action, subject] pairs. Not of joined lines: a subject is the users row's email, which nothing keeps free of
 * a newline or a colon, so one subject could spell two steps and a plan of one user digest like a plan of two.
 * JSON quotes each string, so two different sets of steps never encode alike.
 */
export function planDigest(steps: readonly DestructiveStep[]): string {
  const pairs = steps.map((s): [string, string] => [s.action, s.subject]).sort(([a1, s1], [a2, s2]) => compare(a1, a2) || compare(s1, s2));
  return createHash('sha256').update(JSON.stringify(pairs)).digest('hex').slice(0, PLAN_DIGEST_LENGTH);
}

/** Code-unit order, as Array.prototype.sort compares strings (never locale-dependent). */
const compare = (a: string, b: string): number => (a < b ? -1 : a > b ? 1 : 0);

/** "ban 2 users in Supabase Auth (…) and soft-delete 1 user …": effect and count, for refusals and the CLI. */
export function describePlan(actions: readonly RepairAction[]): string {
  const counts = new Map<RepairAction, number>();
  for (const action of actions) counts.set(action, (counts.get(action) ?? 0) + 1);
  return [...counts]
    .map(([action, n]) => `${ACTION_INFO[action].effect.replace(/^(\S+) the (user|row)/, `$1 ${n} ${n === 1 ? '$2' : '$2s'}`)}`)
    .join('; and ');
}

/** Users a confirmation or a refusal names before "and N more". */
export const NAMED_USERS = 10;

/** A finding subject as an admin reads it: the email (or id) without `user:`. */
export const readableSubject = (subject: string): string => subject.replace(/^user:/, '');

/** "a@x, b@x and 3 more": the first NAMED_USERS names of `total` users. */
export function nameUsers(names: readonly string[], total = names.length): string {
  const shown = names.slice(0, NAMED_USERS);
  const more = total - shown.length;
  return more > 0 ? `${shown.join(', ')} and ${more} more` : shown.join(', ');
}

/** Whether every step is about one and the same user (one finding subject): the only plan a bare `true` or count confirms. */
export function aboutOneUser(steps: readonly DestructiveStep[]): boolean {
  return new Set(steps.map((s) => s.subject)).size === 1;
}

/**
 * Why this repair may not run its destructive steps with this confirmation, or null when it may.
 * `chosen`: the selection was made by hand (a user or finding ids, not "all"). A count or `true` then confirms
 * the steps only when they are all about one user (aboutOneUser); anything else needs the plan's digest.
 */
export function confirmationRefusal(steps: readonly DestructiveStep[], confirmed: boolean | number | string | undefined, chosen: boolean): string | null {
  if (steps.length === 0) return null;
  const plan = `${describePlan(steps.map((s) => s.action))}: ${nameUsers(steps.map((s) => readableSubject(s.subject)).sort())}`;
  if (confirmed === undefined || confirmed === false) return `This repair would ${plan}. Confirm it first (the plan's digest as confirmDestructive, or --yes in the CLI).`;
  if (typeof confirmed === 'string') {
    return confirmed === planDigest(steps) ? null : `The users changed since you confirmed: this repair would now ${plan}. Look again and confirm the new plan.`;
  }
  if (!chosen || !aboutOneUser(steps)) return `This repair of several users would ${plan}. Confirm these users, not a count: send the digest of the plan you were shown (identity.plan's digest) as confirmDestructive.`;
  // One user: the admin confirmed a count (the row button sends 1), and more or fewer steps is not what they agreed to.
  if (typeof confirmed === 'number' && confirmed !== steps.length) return `This repair would now ${plan}, not the ${confirmed} confirmed: the user changed since. Look again and confirm.`;
  return null;
}
