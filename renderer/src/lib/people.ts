/**
 * Runs name the user they cover in their scope: `user:<id or email>`, and a
 * storage run of one provider `user:<id>:<provider>`. The key is what
 * `users.lookup` resolves; any other scope ("all", "source:3") names nobody.
 */
const PROVIDER_SUFFIX = /:(google|dropbox)$/;

export function scopeUserKey(scope: string): string | null {
  if (!scope.startsWith('user:')) return null;
  const key = scope.slice('user:'.length).replace(PROVIDER_SUFFIX, '');
  return key === '' ? null : key;
}

/** The provider part of a per-provider scope, if any ("google"). */
export function scopeProvider(scope: string): string | null {
  return scope.startsWith('user:') ? (PROVIDER_SUFFIX.exec(scope)?.[1] ?? null) : null;
}
