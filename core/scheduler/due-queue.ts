/**
 * A min-heap of (due time, id) with lazy deletion: rescheduling pushes a new
 * entry and bumps the id's version, and stale entries are dropped when they
 * reach the top. Ten thousand schedules cost O(log n) per change and one
 * timer for the earliest, never one timer each.
 */
interface Item {
  at: number;
  id: number;
  version: number;
}

export class DueQueue {
  private heap: Item[] = [];
  private readonly versions = new Map<number, number>();

  get size(): number {
    return this.versions.size;
  }

  set(id: number, at: number): void {
    const version = (this.versions.get(id) ?? 0) + 1;
    this.versions.set(id, version);
    this.push({ at, id, version });
    // Stale entries pile up when schedules are rescheduled often: compact past twice the live size.
    if (this.heap.length > 2 * this.versions.size + 64) this.compact();
  }

  delete(id: number): void {
    this.versions.delete(id);
  }

  clear(): void {
    this.heap = [];
    this.versions.clear();
  }

  /** The earliest live entry, without removing it. */
  peek(): { id: number; at: number } | undefined {
    this.dropStale();
    const top = this.heap[0];
    return top && { id: top.id, at: top.at };
  }

  /** Removes and returns every live entry due at or before `now`, earliest first. */
  popDue(now: number): { id: number; at: number }[] {
    const due: { id: number; at: number }[] = [];
    for (let top = this.peek(); top && top.at <= now; top = this.peek()) {
      this.pop();
      this.versions.delete(top.id);
      due.push(top);
    }
    return due;
  }

  private dropStale(): void {
    while (this.heap.length && !this.live(this.heap[0] as Item)) this.pop();
  }

  private live(item: Item): boolean {
    return this.versions.get(item.id) === item.version;
  }

  private compact(): void {
    const items = this.heap.filter((item) => this.live(item));
    this.heap = [];
    items.forEach((item) => this.push(item));
  }

  private push(item: Item): void {
    const heap = this.heap;
    heap.push(item);
    for (let i = heap.length - 1; i > 0; ) {
      const parent = (i - 1) >> 1;
      if (!before(heap[i] as Item, heap[parent] as Item)) break;
      [heap[i], heap[parent]] = [heap[parent] as Item, heap[i] as Item];
      i = parent;
    }
  }

  private pop(): void {
    const heap = this.heap;
    const last = heap.pop();
    if (!last || heap.length === 0) return;
    heap[0] = last;
    for (let i = 0; ; ) {
      const left = 2 * i + 1;
      const right = left + 1;
      let least = i;
      if (left < heap.length && before(heap[left] as Item, heap[least] as Item)) least = left;
      if (right < heap.length && before(heap[right] as Item, heap[least] as Item)) least = right;
      if (least === i) break;
      [heap[i], heap[least]] = [heap[least] as Item, heap[i] as Item];
      i = least;
    }
  }
}

function before(a: Item, b: Item): boolean {
  return a.at < b.at || (a.at === b.at && a.id < b.id);
}
