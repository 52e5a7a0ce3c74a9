/** Drops empty filters, so `{search: ''}` and `{}` share one query key and one request. */
export function withoutEmpty<T extends Record<string, unknown>>(input: T): T {
  return Object.fromEntries(Object.entries(input).filter(([, value]) => value !== undefined && value !== null && value !== '')) as T;
}
