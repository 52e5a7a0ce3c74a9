import { BACKSLASH, CLOSE_BRACE, CLOSE_BRACKET, COLON, COMMA, isJsonSpace, OPEN_BRACE, OPEN_BRACKET, QUOTE } from '../../base/json-bytes';

/**
 * The rows of a Sheets `values.get` body (`{"range", "majorDimension",
 * "values": [[...], ...]}`), parsed as its text arrives. JSON.parse of a
 * whole 2 MB window needs the body as one string (a large object that only a
 * full collection frees: one per window piled up to ~70 MB here) and builds
 * some 200,000 strings at once, which all outlive the young generation while
 * the window is validated (30–50 ms scavenges; the host heap peaked near
 * 200 MB). Here only an unfinished row is carried from one chunk to the next;
 * the complete rows of each chunk go through the native JSON.parse and are
 * garbage soon after they are validated. Finding where the complete rows
 * end costs a lastIndexOf in the usual case (see rowsUpToLastBracket).
 */
export class ValuesRowReader {
  /** Text not yet consumed: the head of the body, or the start of an unfinished row. */
  private text = '';
  private inRows = false;
  private done = false;
  private afterRow = false;
  private readonly decoder = new TextDecoder();

  /** Takes the next bytes of the body; returns the rows they complete (cells as strings, as `getValues` gives them). */
  push(bytes: Uint8Array): string[][] {
    this.text += this.decoder.decode(bytes, { stream: true });
    if (this.done) return NO_ROWS;
    if (!this.inRows) {
      const start = valuesArrayStart(this.text);
      if (start === INCOMPLETE) return NO_ROWS;
      if (start === NO_VALUES) {
        this.done = true;
        return NO_ROWS;
      }
      this.text = this.text.slice(start);
      this.inRows = true;
    }
    const fast = this.rowsUpToLastBracket();
    const rest = this.completeRows();
    if (!fast) return rest;
    return rest.length === 0 ? fast : fast.concat(rest);
  }

  /** The body ended: it must have held the whole `values` array (or none at all). */
  end(): void {
    this.text += this.decoder.decode();
    if (!this.done && !this.inRows && valuesArrayStart(this.text) === NO_VALUES) this.done = true;
    if (!this.done) throw malformed('it ended early');
  }

  /**
   * The fast path: a row boundary is a `]` outside any string, and the last
   * `]` of the text usually is one. If the text up to it parses as a list of
   * rows, it was (a cut inside a string leaves that string unterminated, and
   * JSON.parse refuses it), and no character had to be scanned in JS. When
   * neither of the last two `]` works (the values array's own end, cells
   * holding brackets), the exact scan below takes over.
   */
  private rowsUpToLastBracket(): string[][] | undefined {
    const text = this.text;
    let at = skipSpace(text, 0);
    if (this.afterRow) {
      if (text.charCodeAt(at) !== COMMA) return undefined;
      at = skipSpace(text, at + 1);
    }
    if (text.charCodeAt(at) !== OPEN_BRACKET) return undefined;
    for (let tries = 0, cut = text.lastIndexOf(']'); tries < 2 && cut > at; tries++, cut = text.lastIndexOf(']', cut - 1)) {
      let rows: unknown[];
      try {
        rows = JSON.parse(`[${text.slice(at, cut + 1)}]`) as unknown[];
      } catch {
        continue;
      }
      if (!rows.every(Array.isArray)) return undefined;
      this.text = text.slice(cut + 1);
      this.afterRow = true;
      return asStrings(rows as unknown[][]);
    }
    return undefined;
  }

  private completeRows(): string[][] {
    const text = this.text;
    let first = -1;
    let last = -1;
    let consumed = 0;
    for (let at = skipSpace(text, 0); at < text.length; at = skipSpace(text, at)) {
      const c = text.charCodeAt(at);
      if (c === CLOSE_BRACKET) {
        this.done = true;
        consumed = text.length;
        break;
      }
      if (this.afterRow) {
        if (c !== COMMA) throw malformed(`“${text[at]}” follows a row`);
        this.afterRow = false;
        consumed = at = at + 1;
        continue;
      }
      if (c !== OPEN_BRACKET) throw malformed(`a row starts with “${text[at]}”`);
      const end = skipValue(text, at);
      if (end === INCOMPLETE) break;
      if (first < 0) first = at;
      last = consumed = at = end;
      this.afterRow = true;
    }
    this.text = consumed === text.length ? '' : text.slice(consumed);
    if (first < 0) return NO_ROWS;
    return asStrings(JSON.parse(`[${text.slice(first, last)}]`) as unknown[][]);
  }
}

/** In place: FORMATTED_VALUE cells are strings already; anything else becomes one, as `getValues` does. */
function asStrings(rows: unknown[][]): string[][] {
  for (const row of rows) {
    for (let i = 0; i < row.length; i++) if (typeof row[i] !== 'string') row[i] = row[i] === null || row[i] === undefined ? '' : String(row[i]);
  }
  return rows as string[][];
}

const NO_ROWS: string[][] = [];
const INCOMPLETE = -2;
const NO_VALUES = -1;

/** The index just inside the top-level `values` array; NO_VALUES when the body has none (an empty range); INCOMPLETE. */
function valuesArrayStart(text: string): number {
  let at = skipSpace(text, 0);
  if (at === text.length) return INCOMPLETE;
  if (text.charCodeAt(at) !== OPEN_BRACE) throw malformed('it is not an object');
  for (at = skipSpace(text, at + 1); at < text.length; at = skipSpace(text, at)) {
    const c = text.charCodeAt(at);
    if (c === CLOSE_BRACE) return NO_VALUES;
    if (c === COMMA) {
      at++;
      continue;
    }
    if (c !== QUOTE) throw malformed(`a key starts with “${text[at]}”`);
    const keyEnd = skipString(text, at);
    if (keyEnd === INCOMPLETE) return INCOMPLETE;
    const key = JSON.parse(text.slice(at, keyEnd)) as string;
    at = skipSpace(text, keyEnd);
    if (at === text.length) return INCOMPLETE;
    if (text.charCodeAt(at) !== COLON) throw malformed(`no colon after “${key}”`);
    at = skipSpace(text, at + 1);
    if (at === text.length) return INCOMPLETE;
    if (key === 'values') {
      if (text.charCodeAt(at) !== OPEN_BRACKET) throw malformed('“values” is not an array');
      return at + 1;
    }
    at = skipValue(text, at);
    if (at === INCOMPLETE) return INCOMPLETE;
  }
  return INCOMPLETE;
}

/** The index just after the JSON value starting at `at`, or INCOMPLETE when the text ends first. */
function skipValue(text: string, at: number): number {
  const c = text.charCodeAt(at);
  if (c === QUOTE) return skipString(text, at);
  if (c !== OPEN_BRACKET && c !== OPEN_BRACE) {
    // A number, true, false or null: runs to the next delimiter (which must have arrived).
    for (let end = at; end < text.length; end++) {
      const d = text.charCodeAt(end);
      if (d === COMMA || d === CLOSE_BRACKET || d === CLOSE_BRACE || isSpace(d)) return end;
    }
    return INCOMPLETE;
  }
  let depth = 0;
  for (let i = at; i < text.length; i++) {
    const d = text.charCodeAt(i);
    if (d === QUOTE) {
      const end = skipString(text, i);
      if (end === INCOMPLETE) return INCOMPLETE;
      i = end - 1;
    } else if (d === OPEN_BRACKET || d === OPEN_BRACE) depth++;
    else if ((d === CLOSE_BRACKET || d === CLOSE_BRACE) && --depth === 0) return i + 1;
  }
  return INCOMPLETE;
}

/** The index just after the string whose opening quote is at `at` (an escaped quote does not end it), or INCOMPLETE. */
function skipString(text: string, at: number): number {
  for (let quote = text.indexOf('"', at + 1); quote > 0; quote = text.indexOf('"', quote + 1)) {
    let backslashes = 0;
    while (text.charCodeAt(quote - 1 - backslashes) === BACKSLASH) backslashes++;
    if (backslashes % 2 === 0) return quote + 1;
  }
  return INCOMPLETE;
}

function skipSpace(text: string, at: number): number {
  while (at < text.length && isSpace(text.charCodeAt(at))) at++;
  return at;
}

const isSpace = isJsonSpace;

function malformed(why: string): Error {
  return new Error(`The Sheets API answered values.get with a body that is not the expected JSON (${why}). Try the import again.`);
}
