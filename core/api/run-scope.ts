/**
 * A run's scope is its single-flight key (one run at a time per engine and
 * scope, DESIGN §2), written by the engine's scopeOf: `all`, `user:<id or
 * email>[:<provider>]`, `source:<id>[:check]`, and for a mode that must not
 * join another mode's run a `repair:` or `check:` prefix (`repair:all`,
 * `repair:user:<key>`, `repair:finding:<id>`, `repair:findings`,
 * `check:user:<key>`). The key stays as it is; this reads it for people:
 * what the run covered, with the mode left to the run's params (shown
 * beside it), so "repair:all" reads "All users".
 */
export type RunScopeTarget =
  | { kind: 'all' }
  | { kind: 'user'; key: string; provider: string | null }
  | { kind: 'source'; sourceId: number; preview: boolean }
  | { kind: 'finding'; findingId: number }
  | { kind: 'findings' }
  /** A scope of another shape (an engine's own, e.g. the demo engine's): shown as written. */
  | { kind: 'other'; scope: string };

const MODE_PREFIX = /^(?:repair|check):/;
const USER = /^user:(.+?)(?::(google|dropbox))?$/;
const SOURCE = /^source:(\d+)(:check)?$/;
const FINDING = /^finding:(\d+)$/;

export function parseRunScope(scope: string): RunScopeTarget {
  const target = scope.replace(MODE_PREFIX, '');
  if (target === 'all') return { kind: 'all' };
  if (target === 'findings') return { kind: 'findings' };
  const user = USER.exec(target);
  if (user?.[1]) return { kind: 'user', key: user[1], provider: user[2] ?? null };
  const source = SOURCE.exec(target);
  if (source) return { kind: 'source', sourceId: Number(source[1]), preview: source[2] !== undefined };
  const finding = FINDING.exec(target);
  if (finding) return { kind: 'finding', findingId: Number(finding[1]) };
  return { kind: 'other', scope };
}

const PROVIDER_WORDS: Record<string, string> = { google: 'Google Drive', dropbox: 'Dropbox' };

/**
 * The scope in words: "All users", "ada@example.com · Dropbox", "Finding #12",
 * "Selected findings", "Sheets source #3 · preview". `person` names a user key
 * (its email); without it the key is shown as written.
 */
export function runScopeText(scope: string, person: (key: string) => string | undefined = () => undefined): string {
  const target = parseRunScope(scope);
  switch (target.kind) {
    case 'all':
      return 'All users';
    case 'user': {
      const who = person(target.key) ?? target.key;
      return target.provider ? `${who} · ${PROVIDER_WORDS[target.provider] ?? target.provider}` : who;
    }
    case 'source':
      return `Sheets source #${target.sourceId}${target.preview ? ' · preview' : ''}`;
    case 'finding':
      return `Finding #${target.findingId}`;
    case 'findings':
      return 'Selected findings';
    case 'other':
      return target.scope;
  }
}
