import type { AccountState } from './account-state';
import { MAX_PAGE_SIZE } from './storage-model';
import type { StorageProvider } from '../../api/storage';

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
  if (!state.lastFullAt) return { pass: 'full', reason: 'first pass' };
  // A pass that keeps no cursor keeps no seen set either (account-check.ts: keepSeen).
  if (!state.cursor) return { pass: 'full', reason: 'no cursor kept' };
  // A cursor without its seen set: a state from before seen sets existed, or a set a crash left unreadable.
  if (!options.seenKnown) return { pass: 'full', reason: 'first pass' };
  if (options.now.getTime() - Date.parse(state.lastFullAt) >= options.fullPassHours * 3_600_000) return { pass: 'full', reason: 'periodic full pass due' };
  return { pass: 'delta', reason: 'changes since the last pass' };
}

/** What a full pass costs and keeps, decided from the account's row count before any call. */
export interface FullPassCost {
  /** Ask about each row (one call a row) instead of listing. */
  probe: boolean;
  /** Keep a change cursor, so the next check can be a delta. */
  keepCursor: boolean;
  /** A probe pass takes its cursor first (an account of one row or none keeps none). */
  cursorBeforeProbes: boolean;
}

/**
 * The cost model of a full pass: a listing costs its pages, a probe one call per row. `remoteFiles` is the service's
 * count from the last listing (null before one).
 */
export function fullPassCost(rows: number, remoteFiles: number | null, provider: StorageProvider, strategy: 'auto' | 'list' | 'probe'): FullPassCost {
  const listPages = Math.max(1, Math.ceil((remoteFiles ?? rows) / MAX_PAGE_SIZE[provider]));
  const probe = strategy === 'probe' || (strategy === 'auto' && remoteFiles !== null && rows < listPages);
  // A delta run costs about one call: a cursor pays only where the next full check would cost two or more
  // (Dropbox hands its cursor over with the listing, so it is always kept).
  const nextFullCost = Math.min(listPages, Math.max(rows, 1));
  return { probe, keepCursor: provider === 'dropbox' || nextFullCost >= 2, cursorBeforeProbes: rows >= 2 };
}

/**
 * The most rows fullPassCost's answer can depend on: with the count capped here the answer is the same (a
 * property test holds them equal), so the count reads at most this many index entries, not the whole account
 * (with the listing's count known, usually 2).
 */
export function rowsWorthCounting(remoteFiles: number | null, provider: StorageProvider): number {
  const page = MAX_PAGE_SIZE[provider];
  if (remoteFiles !== null) return Math.max(Math.ceil(remoteFiles / page), 2);
  // Without it, the listing's pages come from the rows: two pages (a kept cursor) start past one page of rows.
  return provider === 'google' ? page + 1 : 2;
}
