import type { EngineCliPolicy } from '../engine-policies';
import { MailImportResultSchema } from './mail-results';

/**
 * The mail-import engine on the CLI: `import` and `check`, `--user` becomes
 * the user's id. An import's result counts two things under one word
 * (`imported`: messages inserted; `outcomes.imported`: users whose import
 * ran to its end), so the CLI words it itself instead of printing the fields.
 */
export const mailCli: EngineCliPolicy = {
  commands: ['import', 'check'],
  user: { as: 'id' },
  describeResult: describeImport,
};

/** Lines per user shown under the totals; the rest are counted (--json has them all). */
const MAX_USERS_SHOWN = 10;

const PASS_WORDS = { full: 'first import', history: 'changes since the last import', fallback: 'full re-read (cursor expired)' } as const;
const OUTCOME_WORDS = { imported: 'done', 'needs-reconnect': 'needs reconnect', 'no-account': 'no Gmail account', failed: 'failed' } as const;

const plural = (n: number, one: string, many = `${one}s`) => `${n} ${n === 1 ? one : many}`;

/** An import's result in words; a check's (or an unreadable) result is left to the generic printer. */
function describeImport(raw: Readonly<Record<string, unknown>>): string[] | null {
  const parsed = MailImportResultSchema.safeParse(raw);
  if (!parsed.success) return null;
  const r = parsed.data;
  const outcomes = Object.entries(r.outcomes)
    .filter(([, n]) => n > 0)
    .map(([outcome, n]) => `${n} ${OUTCOME_WORDS[outcome as keyof typeof OUTCOME_WORDS] ?? outcome}`);
  const passes = Object.entries(r.passes)
    .filter(([, n]) => n > 0)
    .map(([pass, n]) => `${n} ${PASS_WORDS[pass as keyof typeof PASS_WORDS] ?? pass}`);
  const lines = [
    `users: ${r.users}${outcomes.length ? ` (${outcomes.join(', ')})` : ''}`,
    `messages imported: ${r.imported}`,
    ...(r.skipped ? [`messages already in the database: ${r.skipped}`] : []),
    ...(r.gone ? [`messages deleted before they could be read: ${r.gone}`] : []),
    ...(passes.length ? [`passes: ${passes.join(', ')}`] : []),
    ...(r.reconnected ? [`reconnected: ${plural(r.reconnected, 'user')} (needs-reconnect flag cleared)`] : []),
    ...(r.disabled ? [`skipped: ${plural(r.disabled, 'user')} whose own import is off`] : []),
    ...(r.itemsFailed ? [`failed: ${plural(r.itemsFailed, 'user')}`] : []),
  ];
  const shown = r.perUser.slice(0, MAX_USERS_SHOWN).map((u) => {
    const who = u.email ?? u.userId;
    const counts = u.outcome === 'imported' ? `: ${plural(u.imported, 'message')} imported` : '';
    return `  ${who}: ${OUTCOME_WORDS[u.outcome]}${counts}${u.message ? ` (${u.message})` : ''}`;
  });
  const more = r.users - shown.length;
  if (shown.length) lines.push('per user:', ...shown, ...(more > 0 ? [`  … ${plural(more, 'more user')} (--json lists up to 1000)`] : []));
  return lines;
}
