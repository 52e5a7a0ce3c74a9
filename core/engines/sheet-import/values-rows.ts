import { sheetCellText } from '../../connectors/google/sheet-cell';
import { BACKSLASH, CLOSE_BRACE, CLOSE_BRACKET, COLON, COMMA, isJsonSpace, OPEN_BRACE, OPEN_BRACKET, QUOTE } from '../../base/json-bytes';

/**
 * The rows of a Sheets `values.get` body (`{"range", "majorDimension",
 * "values": [[...], ...]}`), parsed as its text arrives. JSON.parse of a
 * whole 2 MB window needs the body as one string (a large object that only a
 * full collection frees: one per window piled up to ~70 MB here) and builds
 * some 200,000 strings at once, which all outlive the young generation while
 * the window is validated (30–50 ms scavenges; the host heap peaked near
 * 200 MB). Here only an unfinished row is carried from one chunk to the next.
 *
 * The cells are cut out of the text, not given to JSON.parse: V8's JSON.parse
 * internalizes every string value of up to 10 characters (ids, amounts,
 * dates: most cells of a sheet), and the string table that holds them until
 * the next full collection grows by doubling, each time rehashing all of it
 * on the main thread in one piece: 60 ms at a few million entries, 120 ms
 * later, the sheet-import bench's one stall over 50 ms. A cell cut out of
 * the text is never internalized (sheet-import-values-rows.test.ts checks
 * both with V8's own probe). Only a cell with an escape, or one that is not
 * a string, still goes through JSON.parse.
 */
export class ValuesRowReader {
  /**
   * Text not yet consumed: the head of the body, or the start of an unfinished row; once the values array
   * has closed (or the body has none), what follows it, checked whole by end().
   */
  private text = '';
  private inRows = false;
  private done = false;
  private afterRow = false;
  /** A comma has just separated two rows: the next is a row, never the array's end. */
  private afterComma = false;
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
      requireHead(this.text.slice(0, start - 1));
      this.text = this.text.slice(start);
      this.inRows = true;
    }
    return this.completeRows();
  }

  /**
   * The body ended: it must have held the whole `values` array (or none at all), and be one JSON object with
   * nothing after it, as JSON.parse would have it. A second `values` key (JSON.parse keeps the last; its rows
   * would differ from those given) is refused.
   */
  end(): void {
    this.text += this.decoder.decode();
    if (!this.done && !this.inRows && valuesArrayStart(this.text) === NO_VALUES) this.done = true;
    if (!this.done) throw malformed('it ended early');
    if (!this.inRows) {
      parsedOrRefused(this.text, 'it is not one JSON object');
      return;
    }
    const rest = parsedOrRefused(`{"values":0${this.text}`, 'what follows the values is not the rest of one JSON object') as { values?: unknown };
    if (rest.values !== 0) throw malformed('it holds “values” twice');
  }

  private completeRows(): string[][] {
    const text = this.text;
    const rows: string[][] = [];
    const escapes = { next: nextBackslash(text, 0) };
    let consumed = 0;
    for (let at = skipSpace(text, 0); at < text.length; at = skipSpace(text, at)) {
      const c = text.charCodeAt(at);
      if (c === CLOSE_BRACKET) {
        if (this.afterComma) throw malformed('a comma ends the values');
        this.done = true;
        consumed = at + 1;
        break;
      }
      if (this.afterRow) {
        if (c !== COMMA) throw malformed(`“${text[at]}” follows a row`);
        this.afterRow = false;
        this.afterComma = true;
        consumed = at = at + 1;
        continue;
      }
      if (c !== OPEN_BRACKET) throw malformed(`a row starts with “${text[at]}”`);
      const cells: string[] = [];
      const end = scanRow(text, at, cells, escapes);
      if (end === INCOMPLETE) break;
      rows.push(cells);
      consumed = at = end;
      this.afterRow = true;
      this.afterComma = false;
    }
    this.text = consumed === text.length ? '' : text.slice(consumed);
    return rows.length === 0 ? NO_ROWS : rows;
  }
}

/** The keys before `values` (`{"range":"A1",` … `"values":`) must be well-formed JSON, as JSON.parse would read them. */
function requireHead(head: string): void {
  parsedOrRefused(`${head}0}`, 'the keys before the values are not JSON');
}

/** JSON.parse's value, or the reader's error saying why (`why` as text or, where it costs, made only on failure). */
function parsedOrRefused(json: string, why: string | (() => string)): unknown {
  try {
    return JSON.parse(json) as unknown;
  } catch {
    throw malformed(typeof why === 'string' ? why : why());
  }
}

/**
 * Appends to `cells` the cells of the row whose `[` is at `at`, as strings
 * (FORMATTED_VALUE cells are strings; anything else becomes one, as
 * `getValues` does); the index just after its `]`, or INCOMPLETE when the
 * text ends first. `escapes.next` is the first backslash at or after the
 * scan's position (Infinity when none): a cell before it has no escape and
 * is its text between the quotes.
 */
function scanRow(text: string, at: number, cells: string[], escapes: { next: number }): number {
  let i = skipSpace(text, at + 1);
  if (i === text.length) return INCOMPLETE;
  if (text.charCodeAt(i) === CLOSE_BRACKET) return i + 1;
  for (;;) {
    const end = skipValue(text, i);
    if (end === INCOMPLETE) return INCOMPLETE;
    if (text.charCodeAt(i) === QUOTE && escapes.next > end) {
      // JSON.parse refuses a raw U+0000-U+001F in a string; a cell cut out as is must be checked for one.
      for (let k = i + 1; k < end - 1; k++) if (text.charCodeAt(k) < 0x20) throw malformed('a cell holds a raw control character');
      cells.push(text.slice(i + 1, end - 1));
    } else {
      cells.push(parsedCell(text.slice(i, end)));
      if (escapes.next < end) escapes.next = nextBackslash(text, end);
    }
    i = skipSpace(text, end);
    if (i === text.length) return INCOMPLETE;
    const c = text.charCodeAt(i);
    if (c === CLOSE_BRACKET) return i + 1;
    if (c !== COMMA) throw malformed(`“${text[i]}” follows a cell`);
    i = skipSpace(text, i + 1);
    if (i === text.length) return INCOMPLETE;
  }
}

/** A cell that is not a plain string (an escape in it, a number, true, null…), through JSON.parse. */
function parsedCell(json: string): string {
  return sheetCellText(parsedOrRefused(json, () => `a cell reads ${json.length > 40 ? `${json.slice(0, 40)}…` : json}`));
}

function nextBackslash(text: string, from: number): number {
  const at = text.indexOf('\\', from);
  return at < 0 ? Infinity : at;
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
