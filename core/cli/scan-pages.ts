/**
 * Reads a paged contract list until `limit` items pass `keep` or the list ends. The contract filters
 * what it can (engine, status, …); a filter it lacks (a user, a run in the audit log) is applied here,
 * so pages are read until enough match. Bounded: at most `maxScanned` items are looked at.
 */
export async function scanPages<T>(options: {
  fetch: (offset: number, limit: number) => Promise<{ items: T[]; total: number }>;
  keep: (item: T) => boolean;
  limit: number;
  pageSize?: number;
  maxScanned?: number;
}): Promise<{ items: T[]; total: number; scanned: number; complete: boolean }> {
  const pageSize = options.pageSize ?? 500;
  const maxScanned = options.maxScanned ?? 50_000;
  const items: T[] = [];
  let scanned = 0;
  let total = 0;
  while (items.length < options.limit && scanned < maxScanned) {
    const page = await options.fetch(scanned, pageSize);
    total = page.total;
    for (const item of page.items) if (items.length < options.limit && options.keep(item)) items.push(item);
    scanned += page.items.length;
    if (page.items.length < pageSize || scanned >= total) return { items, total, scanned, complete: true };
  }
  return { items, total, scanned, complete: scanned >= total };
}

/** Whether `user` (an email or an id, case-insensitive) is named by a subject ("user:ada@x", "file:ada@x:3") or a JSON value. */
export function namesUser(user: string, subject: string | null, ...values: unknown[]): boolean {
  const needle = user.toLowerCase();
  if (subject && subject.toLowerCase().split(/[:/]/).includes(needle)) return true;
  // A whole JSON string value equal to the user (an email or id field of a before/after or details), not a substring.
  return values.some((value) => value !== null && value !== undefined && JSON.stringify(value).toLowerCase().includes(JSON.stringify(needle)));
}
