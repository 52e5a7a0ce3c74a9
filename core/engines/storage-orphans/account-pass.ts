import type { AccountState } from './account-state';

/** How often an account is read in full again when nothing else asks for it (DESIGN §4.7: a delta never hides a finding for ever). */
export const DEFAULT_FULL_PASS_HOURS = 24;

/**
 * Why a pass of one account is what it is, as the result names it:
 * - full: `requested` (param full), `first pass` (never read in full by this version), `no cursor kept`
 *   (the last pass kept none: a small account, or files it could not conclude on), `periodic full pass due`,
 *   `cursor rejected`, `changes not tied to files` (a deleted Dropbox folder), `many rows added`
 *   (probing the product's new rows would cost more than a listing);
 * - delta: `changes since the last pass`.
 */
export type PassReason =
  | 'requested'
  | 'first pass'
  | 'no cursor kept'
  | 'periodic full pass due'
  | 'cursor rejected'
  | 'changes not tied to files'
  | 'many rows added'
  | 'changes since the last pass';

export interface PassPlan {
  pass: 'full' | 'delta';
  reason: PassReason;
}

/** The pass an account gets before any call is made; a delta may still turn into a full pass (cursor rejected …). */
export function planPass(state: AccountState, options: { full: boolean; now: Date; fullPassHours: number; seenKnown: boolean }): PassPlan {
  if (options.full) return { pass: 'full', reason: 'requested' };
  if (!state.lastFullAt || !options.seenKnown) return { pass: 'full', reason: 'first pass' };
  if (!state.cursor) return { pass: 'full', reason: 'no cursor kept' };
  if (options.now.getTime() - Date.parse(state.lastFullAt) >= options.fullPassHours * 3_600_000) return { pass: 'full', reason: 'periodic full pass due' };
  return { pass: 'delta', reason: 'changes since the last pass' };
}
