/**
 * One response header, whichever shape an SDK hands over: a `Headers` object
 * (gaxios's own transport; not always the global class, so duck-typed) or a
 * plain record of lower-case names (googleapis on a `fetchImplementation`).
 */
export function headerValue(headers: unknown, name: string): string | undefined {
  if (headers === null || typeof headers !== 'object') return undefined;
  const get = (headers as { get?: unknown }).get;
  if (typeof get === 'function') return (get.call(headers, name) as string | null) ?? undefined;
  const value = (headers as Record<string, unknown>)[name];
  return typeof value === 'string' ? value : undefined;
}
