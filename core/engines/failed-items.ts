/** Failed items a run's result names: enough to act on, bounded so a run over 10,000 users keeps a small result. */
export const MAX_FAILED_ITEMS = 50;

/** One item a run could not do, and why, in words an admin can act on. */
export interface FailedItem {
  /** What it was: "ada@example.com (Dropbox)", "asset:users/ada/clip-1", a user's email… */
  item: string;
  reason: string;
}

/** The result fields every engine reports its failures with (DESIGN §4.6; run-manager reads `itemsFailed`). */
export interface FailedItemsFields {
  /** How many items failed; > 0 ends the run `partial`, never `succeeded`. */
  itemsFailed: number;
  /** The first MAX_FAILED_ITEMS of them, in the order they failed (present when any failed). */
  failedItems?: FailedItem[];
  /** More failed than failedItems lists. */
  failedItemsTruncated?: true;
}

/**
 * Counts every failed item and keeps the first MAX_FAILED_ITEMS with their
 * reasons. Invariant: `count` is exact whatever the list keeps.
 */
export class FailedItems {
  private readonly kept: FailedItem[] = [];
  private total = 0;

  add(item: string, reason: string): void {
    this.total++;
    // An upstream error message can be any size (a proxy's HTML page): a result stays small whatever it says.
    if (this.kept.length < MAX_FAILED_ITEMS) this.kept.push({ item: clip(item), reason: clip(reason) });
  }

  /** Takes another list's failures in (one run's check and repair report together): the count stays exact. */
  absorb(other: FailedItems): void {
    this.total += other.total;
    for (const entry of other.kept) if (this.kept.length < MAX_FAILED_ITEMS) this.kept.push(entry);
  }

  get count(): number {
    return this.total;
  }

  fields(): FailedItemsFields {
    if (this.total === 0) return { itemsFailed: 0 };
    return { itemsFailed: this.total, failedItems: [...this.kept], ...(this.total > this.kept.length ? { failedItemsTruncated: true as const } : {}) };
  }
}

/** The longest item or reason a result keeps, in characters. */
export const MAX_FAILED_ITEM_TEXT = 500;

function clip(text: string): string {
  return text.length <= MAX_FAILED_ITEM_TEXT ? text : `${text.slice(0, MAX_FAILED_ITEM_TEXT - 1)}…`;
}
