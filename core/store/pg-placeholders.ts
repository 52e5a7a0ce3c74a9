/**
 * Numbers the store's portable `?` parameters for PostgreSQL (`$1, $2, …`).
 * A `?` is a parameter only in SQL text proper: never inside a string literal
 * ('…' with '' escapes, E'…' with backslash escapes), a quoted identifier
 * ("…"), a dollar-quoted body ($$…$$, $tag$…$tag$), a -- line comment or a
 * (nested) /* block comment. Returns the rewritten text and how many it numbered,
 * so the caller can refuse a statement whose parameter count does not match.
 */
export function numberPlaceholders(sql: string): { text: string; count: number } {
  let out = '';
  let count = 0;
  let i = 0;
  const n = sql.length;
  const copyUntil = (end: number) => {
    out += sql.slice(i, end);
    i = end;
  };
  while (i < n) {
    const char = sql[i];
    const next = sql[i + 1];
    if (char === '?') {
      out += `$${++count}`;
      i += 1;
    } else if (char === "'") {
      const escaped = i > 0 && /[eE]/.test(sql[i - 1] ?? '') && !/[\w$]/.test(sql[i - 2] ?? '');
      copyUntil(endOfQuoted(sql, i, "'", escaped));
    } else if (char === '"') {
      copyUntil(endOfQuoted(sql, i, '"', false));
    } else if (char === '-' && next === '-') {
      const end = sql.indexOf('\n', i);
      copyUntil(end === -1 ? n : end + 1);
    } else if (char === '/' && next === '*') {
      copyUntil(endOfBlockComment(sql, i));
    } else if (char === '$' && !/[\w$]/.test(sql[i - 1] ?? '')) {
      const tag = /^\$([A-Za-z_][A-Za-z0-9_]*)?\$/.exec(sql.slice(i));
      if (tag) {
        const close = sql.indexOf(tag[0], i + tag[0].length);
        copyUntil(close === -1 ? n : close + tag[0].length);
      } else copyUntil(i + 1);
    } else copyUntil(i + 1);
  }
  return { text: out, count };
}

/** Index just past the closing quote (doubled quotes and, in E'' strings, backslashes escape). */
function endOfQuoted(sql: string, start: number, quote: string, backslashEscapes: boolean): number {
  let i = start + 1;
  while (i < sql.length) {
    const char = sql[i];
    if (backslashEscapes && char === '\\') i += 2;
    else if (char === quote) {
      if (sql[i + 1] === quote) i += 2;
      else return i + 1;
    } else i += 1;
  }
  return sql.length;
}

function endOfBlockComment(sql: string, start: number): number {
  let depth = 0;
  let i = start;
  while (i < sql.length) {
    if (sql[i] === '/' && sql[i + 1] === '*') {
      depth += 1;
      i += 2;
    } else if (sql[i] === '*' && sql[i + 1] === '/') {
      depth -= 1;
      i += 2;
      if (depth === 0) return i;
    } else i += 1;
  }
  return sql.length;
}
