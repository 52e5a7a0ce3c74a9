import type { ParsedInput } from '../../api/contract';
import { IDENTITY_USER_HISTORY_LIMIT, type IdentityUserDetail, type IdentityUserSide } from '../../api/identity-user';
import { quoteIdent, quoteTable } from '../../appdb/identifiers';
import { ProductDbUnavailable } from '../../appdb/product-db';
import { fetchSupabaseUserRecord } from '../../connectors/supabase/supabase-user-record';
import { redactString } from '../../logging/redact';
import type { StoredConnection } from '../../store/connections.repo';
import type { EngineHost } from '../engine';
import type { HandlerTable } from '../engine-policies';
import { IDENTITY_ENGINE_ID as ENGINE } from './identity.engine';

/**
 * Column or field names whose values never leave the host: a product's users
 * table may keep password hashes or tokens next to the profile. The detail
 * panel names them as hidden instead.
 */
const SECRET_NAME = /pass(word)?|hash|secret|token|salt|otp|api[_-]?key|private/i;

/**
 * `identity.user`: one user in full for the Users page's detail panel. Both
 * sides are read live (what they hold now, not what the last check saw), each
 * independently: a side that cannot be asked says why and the other is still
 * shown. Reading never changes anything on either side.
 */
export function createIdentityUserHandlers(host: EngineHost): Pick<HandlerTable, 'identity.user'> {
  return { 'identity.user': (input) => userDetail(host, input) };
}

async function userDetail(host: EngineHost, input: ParsedInput<'identity.user'>): Promise<IdentityUserDetail> {
  const [local, remote] = await Promise.all([readLocal(host, input.localId), readRemote(host, input.remoteId)]);
  // A finding's and an audit entry's subject is "user:<email>" (or the id of a user without one); the two sides
  // may disagree on the email (an inconsistent user), so every email and id of this user is a subject.
  const keys = [input.email, local.email, textOf(remote.side.record?.email), input.localId, input.remoteId]
    .filter((v): v is string => typeof v === 'string' && v.trim() !== '')
    .map((v) => v.trim());
  const bases = keys.flatMap((k) => [`user:${k}`, `user:${k.toLowerCase()}`]);
  // A case-duplicate pair's finding is told apart by its row id (identity-check.ts subjectOf: `user:<email>#row:<id>`).
  const rowIds = [input.localId, textOf(local.side.record?.id)].filter((v): v is string => typeof v === 'string' && v.trim() !== '');
  const subjects = [...new Set([...bases, ...bases.flatMap((b) => rowIds.map((id) => `${b}#row:${id.trim()}`))])];
  const findings = (await host.store.findings.bySubjects(ENGINE, subjects)).sort((a, b) => b.id - a.id);
  const audit = await host.store.audit.bySubjects(ENGINE, subjects, IDENTITY_USER_HISTORY_LIMIT);
  return {
    local: local.side,
    remote: remote.side,
    findings: findings.slice(0, IDENTITY_USER_HISTORY_LIMIT),
    findingsTotal: findings.length,
    audit: audit.items,
    auditTotal: audit.total,
    subjects,
  };
}

const side = (state: IdentityUserSide['state'], message: string | null = null, record: Record<string, unknown> | null = null, redacted: string[] = []): IdentityUserSide => ({
  state,
  record,
  message,
  redacted,
});

/** The one connection of a kind, or why there is not exactly one. */
async function only(host: EngineHost, kind: StoredConnection['kind'], label: string): Promise<StoredConnection | string> {
  const found = (await host.store.connections.list()).filter((c) => c.kind === kind);
  if (found.length === 1) return found[0] as StoredConnection;
  return found.length ? `There are several ${label} connections: keep one.` : `No ${label} connection is set up: add one on the Connections page.`;
}

/** The users-table row with every column the product has, through the connection's mapping for table and id. */
async function readLocal(host: EngineHost, localId: string | null): Promise<{ side: IdentityUserSide; email: string | null }> {
  if (localId === null) return { side: side('not-linked', 'The users table has no row paired with this user.'), email: null };
  try {
    return await host.connections.withAppDb(async ({ db, mapping }) => {
      const users = mapping.users;
      const [row] = await db.query(`SELECT * FROM ${quoteTable(users.table)} WHERE ${quoteIdent(users.columns.id)} = ?`, [localId]);
      if (!row) return { side: side('absent', `No row with id ${localId} in ${users.table}.`), email: null };
      const { record, redacted } = presentable(row);
      return { side: side('found', null, record, redacted), email: textOf(row[users.columns.email]) };
    });
  } catch (error) {
    // None or several connections: said as it is (it is not a failed read).
    if (error instanceof ProductDbUnavailable) return { side: side('unavailable', error.message), email: null };
    return { side: side('unavailable', `The product database could not be read: ${messageOf(error)}`), email: null };
  }
}

/** The Supabase Auth user as GoTrue returns it; only GoTrue's own user_not_found makes it absent. */
async function readRemote(host: EngineHost, remoteId: string | null): Promise<{ side: IdentityUserSide }> {
  if (remoteId === null) return { side: side('not-linked', 'Supabase Auth has no user paired with this one.') };
  const connection = await only(host, 'supabase', 'Supabase');
  if (typeof connection === 'string') return { side: side('unavailable', connection) };
  try {
    const { config, secrets } = await host.connections.settings(connection);
    if (!secrets.serviceRoleKey) return { side: side('unavailable', `The Supabase connection "${connection.name}" has no service role key.`) };
    const user = await fetchSupabaseUserRecord({ url: String(config.url), serviceRoleKey: secrets.serviceRoleKey }, remoteId);
    if (user === null) return { side: side('absent', `Supabase Auth answered that user ${remoteId} does not exist.`) };
    const { record, redacted } = presentable(user);
    return { side: side('found', null, record, redacted) };
  } catch (error) {
    return { side: side('unavailable', `Supabase Auth could not be read: ${messageOf(error)}`) };
  }
}

/** JSON-safe values (bigints as text, bytes as a size, dates as ISO) with secret-looking fields withheld. */
function presentable(row: Record<string, unknown>): { record: Record<string, unknown>; redacted: string[] } {
  const record: Record<string, unknown> = {};
  const redacted: string[] = [];
  for (const [key, value] of Object.entries(row)) {
    if (SECRET_NAME.test(key) && value !== null && value !== undefined && value !== '') {
      redacted.push(key);
      continue;
    }
    record[key] = jsonSafe(value);
  }
  return { record, redacted };
}

function jsonSafe(value: unknown): unknown {
  if (typeof value === 'bigint') return value.toString();
  if (value instanceof Date) return Number.isNaN(value.getTime()) ? String(value) : value.toISOString();
  if (value instanceof Uint8Array) return `(${value.byteLength} bytes)`;
  if (value === undefined) return null;
  return value;
}

const textOf = (value: unknown): string | null => (typeof value === 'string' && value.trim() !== '' ? value.trim() : null);
/** An error as the panel shows it, with anything that looks like a credential masked (a driver may echo a connection string). */
const messageOf = (error: unknown): string => redactString(error instanceof Error ? error.message : String(error));
