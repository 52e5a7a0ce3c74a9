import type { EmulatorRequest, EmulatorResponse } from '../shared/emulator';
import { gotrueError } from './gotrue-http';
import type { GoTrueUser, Metadata } from './gotrue-users';

/** `AdminUserParams` as the admin create/update routes decode it. */
export interface AdminUserParams {
  id?: string;
  email?: string;
  phone?: string;
  password?: string;
  role?: string;
  email_confirm?: boolean;
  phone_confirm?: boolean;
  user_metadata?: Metadata;
  app_metadata?: Metadata;
  ban_duration?: string;
}

/** `retrieveRequestParams`: the body must be a JSON object whose fields have the declared types. */
export function parseAdminParams(request: EmulatorRequest): { params: AdminUserParams } | { error: EmulatorResponse } {
  const body = request.json<unknown>();
  if (body === undefined || typeof body !== 'object' || body === null || Array.isArray(body)) {
    return { error: gotrueError(request, 400, 'bad_json', 'Could not parse request body as JSON') };
  }
  const fields = body as Record<string, unknown>;
  const strings = ['id', 'email', 'phone', 'password', 'role', 'ban_duration'];
  const booleans = ['email_confirm', 'phone_confirm'];
  const objects = ['user_metadata', 'app_metadata'];
  for (const [key, value] of Object.entries(fields)) {
    if (value === null) continue;
    const ok =
      (strings.includes(key) && typeof value === 'string') ||
      (booleans.includes(key) && typeof value === 'boolean') ||
      (objects.includes(key) && typeof value === 'object' && !Array.isArray(value)) ||
      ![...strings, ...booleans, ...objects].includes(key);
    if (!ok) return { error: gotrueError(request, 400, 'bad_json', `Could not parse request body as JSON: field ${key} has the wrong type`) };
  }
  // Go decodes a JSON null into the zero value: treat it as absent.
  const params = Object.fromEntries(Object.entries(fields).filter(([, value]) => value !== null)) as AdminUserParams;
  return { params };
}

const EMAIL_PATTERN =
  /^[a-zA-Z0-9.!#$%&'*+/=?^_`{|}~-]+@[a-zA-Z0-9](?:[a-zA-Z0-9-]{0,61}[a-zA-Z0-9])?(?:\.[a-zA-Z0-9](?:[a-zA-Z0-9-]{0,61}[a-zA-Z0-9])?)*$/;

/** `validateEmail`: lower-cased when valid, undefined when not. */
export function validateEmail(email: string): string | undefined {
  return email.length <= 255 && EMAIL_PATTERN.test(email) ? email.toLowerCase() : undefined;
}

/** `validatePhone`: `+`, spaces and dashes dropped, then E.164 digits. */
export function validatePhone(phone: string): string | undefined {
  const digits = phone.replace(/[\s+-]/g, '');
  return /^[1-9]\d{1,14}$/.test(digits) ? digits : undefined;
}

/** `ban_duration`: a Go duration ("24h", "1h30m", "90s") or "none"; zero or "none" lifts the ban. */
export function applyBan(request: EmulatorRequest, user: GoTrueUser, banDuration: string | undefined): EmulatorResponse | undefined {
  if (banDuration === undefined || banDuration === '') return undefined;
  const ms = banDuration === 'none' ? 0 : parseGoDuration(banDuration);
  if (ms === undefined) {
    return gotrueError(request, 400, 'validation_failed', `invalid format for ban duration: time: invalid duration "${banDuration}"`);
  }
  if (ms === 0) delete user.banned_until;
  else user.banned_until = new Date(Date.now() + ms).toISOString();
  return undefined;
}

function parseGoDuration(text: string): number | undefined {
  const units: Record<string, number> = { ms: 1, s: 1000, m: 60_000, h: 3_600_000 };
  const parts = [...text.matchAll(/(\d+(?:\.\d+)?)(ms|h|m|s)/g)];
  if (parts.length === 0 || parts.map((p) => p[0]).join('') !== text) return text === '0' ? 0 : undefined;
  return parts.reduce((sum, [, value, unit]) => sum + Number(value) * (units[unit ?? ''] ?? 0), 0);
}
