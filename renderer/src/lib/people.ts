import { parseRunScope } from '@core/api/run-scope';

/**
 * Runs name the user they cover in their scope: `user:<id or email>`, a
 * storage run of one provider `user:<id>:<provider>`, a repair or check of one
 * user `repair:user:<key>` / `check:user:<key>` (core/api/run-scope.ts). The key
 * is what `users.lookup` resolves; any other scope ("all", "source:3") names nobody.
 */
export function scopeUserKey(scope: string): string | null {
  const target = parseRunScope(scope);
  return target.kind === 'user' ? target.key : null;
}

/** The provider part of a per-provider scope, if any ("google"). */
export function scopeProvider(scope: string): string | null {
  const target = parseRunScope(scope);
  return target.kind === 'user' ? target.provider : null;
}
