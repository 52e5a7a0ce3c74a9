import { BACKSLASH, CLOSE_BRACE, CLOSE_BRACKET, COLON, COMMA, isJsonSpace, OPEN_BRACE, OPEN_BRACKET, QUOTE } from '../../base/json-bytes';

/**
 * A JSON answer read as it streams in, one array member parsed element by
 * element: `readJsonPicking(response, 'users', pick)` gives what
 * `response.json()` gives, except that the top-level object's `users` array
 * holds `pick(element)` for each element, and no string or object as large
 * as the whole body is ever made.
 * Why: a listing page of 1,000 users is about 1 MB of JSON. `response.json()`
 * decodes it into one 1 MB string (V8 puts it in the large-object space,
 * which only a full collection frees) and parses it into one tree that
 * outlives young collections; a thousand pages of that grew the identity
 * check's old generation and RSS (issue 19). Each element here is a small
 * string and a small tree that die young, and `pick` keeps what the caller needs.
 * Invariants: the result equals `response.json()`'s with the member's
 * elements picked; whenever the body is not exactly a JSON object whose
 * member `key` (once) is an array, or any slice fails to parse, the whole
 * body is parsed as `response.json()` parses it (same value, or the same
 * SyntaxError), so no input is accepted that JSON.parse refuses. A stream
 * error (abort, timeout) rejects as `response.json()` would. Each slice is
 * parsed by JSON.parse itself; this file only finds where slices begin and
 * end, and checks the bytes between them.
 */

const isSpace = isJsonSpace;

/** Decodes slices; keeps a U+FEFF where one is (only the body's start may drop one, and that start never takes the fast path). */
const sliceDecoder = new TextDecoder('utf-8', { ignoreBOM: true });

export async function readJsonPicking<T>(response: Response, key: string, pick: (element: unknown) => T): Promise<unknown> {
  const parser = new ArrayMemberParser(key, pick);
  if (response.body) {
    // for await over the body releases the reader (and cancels the stream) if a pick or a read throws.
    for await (const chunk of response.body) parser.push(chunk);
  }
  return parser.end();
}

/** A place in the body: chunk index and offset in it. */
interface Mark {
  chunk: number;
  at: number;
}

type State =
  | 'start' // before the top-level '{'
  | 'first-key' // after '{': a key or '}'
  | 'key' // after ',': a key
  | 'in-key' // inside a key's string
  | 'colon'
  | 'value' // before a member's value
  | 'other-value' // inside a member's value that is not the array
  | 'first-element' // after the array's '[': an element or ']'
  | 'element' // inside an element (or before it, after ',')
  | 'after-member' // ',' or '}'
  | 'done' // after the top-level '}': only whitespace
  | 'failed'; // not the fast path's shape: the whole body is parsed at the end

/**
 * The incremental scanner. Chunks are kept until the end (the fallback needs
 * them all); elements are parsed and picked as soon as they are complete.
 */
export class ArrayMemberParser<T> {
  private readonly chunks: Uint8Array[] = [];
  private state: State = 'start';
  /** Inside a string (of a key or a value); `escaped`: the next byte is escaped. */
  private inString = false;
  private escaped = false;
  /** Nesting depth inside the value or element being scanned. */
  private depth = 0;
  private sliceStart: Mark = { chunk: 0, at: 0 };
  private memberStart: Mark = { chunk: 0, at: 0 };
  private currentKey = '';
  private seenArray = false;
  private readonly picked: T[] = [];
  /** The other members, each `"key":value` as sent, joined into one object at the end. */
  private readonly others: string[] = [];
  /** True once the whole body had to be parsed (tests check that GoTrue-shaped pages never need it). */
  fellBack = false;

  constructor(
    private readonly key: string,
    private readonly pick: (element: unknown) => T,
  ) {}

  push(chunk: Uint8Array): void {
    if (chunk.length === 0) return;
    this.chunks.push(chunk);
    if (this.state === 'failed') return;
    const index = this.chunks.length - 1;
    try {
      this.scan(chunk, index);
    } catch (error) {
      // A slice that does not parse: the whole body decides (it may throw the same SyntaxError, or not).
      if (!(error instanceof SyntaxError)) throw error;
      this.state = 'failed';
    }
  }

  /** The body's value, as response.json() gives it, the array's elements picked. */
  async end(): Promise<unknown> {
    if (this.state === 'done') {
      let value: Record<string, unknown>;
      try {
        value = JSON.parse(`{${this.others.join(',')}}`) as Record<string, unknown>;
      } catch (error) {
        if (!(error instanceof SyntaxError)) throw error;
        return this.whole();
      }
      if (this.seenArray) value[this.key] = this.picked;
      return value;
    }
    return this.whole();
  }

  /** The fallback: the whole body through undici's own json() (its decoding, its BOM rule, its SyntaxError). */
  private async whole(): Promise<unknown> {
    this.fellBack = true;
    const body: unknown = await new Response(concat(this.chunks)).json();
    if (typeof body === 'object' && body !== null && !Array.isArray(body) && Object.hasOwn(body, this.key)) {
      const member = (body as Record<string, unknown>)[this.key];
      if (Array.isArray(member)) (body as Record<string, unknown>)[this.key] = member.map((element) => this.pick(element));
    }
    return body;
  }

  private fail(): void {
    this.state = 'failed';
  }

  private scan(chunk: Uint8Array, index: number): void {
    const length = chunk.length;
    let i = 0;
    while (i < length && this.state !== 'failed') {
      if (this.inString) {
        i = this.skipString(chunk, i);
        if (this.inString) return;
        // i is just past the closing quote.
        if (this.state === 'in-key') {
          this.currentKey = this.parseKey(index, i);
          this.state = 'colon';
        }
        continue;
      }
      const b = chunk[i] as number;
      switch (this.state) {
        case 'start':
          if (b === OPEN_BRACE) this.state = 'first-key';
          else if (!isSpace(b)) return this.fail();
          i++;
          break;
        case 'first-key':
        case 'key':
          if (b === QUOTE) {
            this.memberStart = { chunk: index, at: i };
            this.inString = true;
            this.state = 'in-key';
          } else if (b === CLOSE_BRACE && this.state === 'first-key') {
            this.state = 'done';
          } else if (!isSpace(b)) {
            return this.fail();
          }
          i++;
          break;
        case 'colon':
          if (b === COLON) this.state = 'value';
          else if (!isSpace(b)) return this.fail();
          i++;
          break;
        case 'value':
          if (isSpace(b)) {
            i++;
          } else if (this.currentKey === this.key) {
            // The array member: once, and an array; anything else is decided by the whole parse.
            if (b !== OPEN_BRACKET || this.seenArray) return this.fail();
            this.seenArray = true;
            this.state = 'first-element';
            i++;
          } else {
            this.state = 'other-value';
            this.depth = 0;
          }
          break;
        case 'other-value':
          i = this.scanValue(chunk, index, i, CLOSE_BRACE);
          break;
        case 'first-element':
          if (isSpace(b)) {
            i++;
          } else if (b === CLOSE_BRACKET) {
            this.state = 'after-member';
            i++;
          } else {
            this.state = 'element';
            this.depth = 0;
            this.sliceStart = { chunk: index, at: i };
          }
          break;
        case 'element':
          i = this.scanValue(chunk, index, i, CLOSE_BRACKET);
          break;
        case 'after-member':
          if (b === COMMA) this.state = 'key';
          else if (b === CLOSE_BRACE) this.state = 'done';
          else if (!isSpace(b)) return this.fail();
          i++;
          break;
        case 'done':
          if (!isSpace(b)) return this.fail();
          i++;
          break;
        default:
          return this.fail();
      }
    }
  }

  /**
   * Scans a value (an element, or another member's value) up to the ',' or
   * the closing bracket at its own level; then hands the slice on. Returns
   * where scanning stopped.
   */
  private scanValue(chunk: Uint8Array, index: number, from: number, closer: number): number {
    const length = chunk.length;
    let i = from;
    while (i < length) {
      const b = chunk[i] as number;
      if (b === QUOTE) {
        this.inString = true;
        return i + 1;
      }
      if (b === OPEN_BRACE || b === OPEN_BRACKET) {
        this.depth++;
      } else if (b === CLOSE_BRACE || b === CLOSE_BRACKET) {
        if (this.depth === 0) {
          if (b !== closer) {
            this.fail();
            return i;
          }
          this.endValue(index, i, true);
          return i + 1;
        }
        this.depth--;
      } else if (b === COMMA && this.depth === 0) {
        this.endValue(index, i, false);
        return i + 1;
      }
      i++;
    }
    return i;
  }

  /** A value ended at (index, at): an element is parsed and picked, another member is kept as sent. */
  private endValue(index: number, at: number, closed: boolean): void {
    if (this.state === 'element') {
      this.picked.push(this.pick(JSON.parse(this.text(this.sliceStart, { chunk: index, at }))));
      if (closed) {
        this.state = 'after-member';
      } else {
        this.depth = 0;
        this.sliceStart = { chunk: index, at: at + 1 };
      }
      return;
    }
    this.others.push(this.text(this.memberStart, { chunk: index, at }));
    this.state = closed ? 'done' : 'key';
  }

  /** Skips string bytes from `from`; returns the position after the closing quote, or the chunk's end (still inside). */
  private skipString(chunk: Uint8Array, from: number): number {
    const length = chunk.length;
    let i = from;
    if (this.escaped) {
      this.escaped = false;
      i++;
    }
    // A byte loop: the strings of a user are short (keys, ids, dates), where indexOf's call costs more than it saves.
    while (i < length) {
      const b = chunk[i] as number;
      if (b === QUOTE) {
        this.inString = false;
        return i + 1;
      }
      if (b === BACKSLASH) {
        if (i + 1 === length) {
          this.escaped = true;
          return length;
        }
        i += 2;
      } else {
        i++;
      }
    }
    return length;
  }

  /** The key just read (from memberStart to `end`, quotes included), as JSON.parse reads it. */
  private parseKey(index: number, end: number): string {
    const key: unknown = JSON.parse(this.text(this.memberStart, { chunk: index, at: end }));
    if (typeof key !== 'string') throw new SyntaxError('not a key');
    return key;
  }

  /** The text of the bytes from `start` to `end` (exclusive), across chunks. */
  private text(start: Mark, end: Mark): string {
    if (start.chunk === end.chunk) return sliceDecoder.decode((this.chunks[start.chunk] as Uint8Array).subarray(start.at, end.at));
    const parts: Uint8Array[] = [(this.chunks[start.chunk] as Uint8Array).subarray(start.at)];
    for (let c = start.chunk + 1; c < end.chunk; c++) parts.push(this.chunks[c] as Uint8Array);
    parts.push((this.chunks[end.chunk] as Uint8Array).subarray(0, end.at));
    return sliceDecoder.decode(concat(parts));
  }
}

function concat(parts: readonly Uint8Array[]): Uint8Array {
  let length = 0;
  for (const part of parts) length += part.length;
  const out = new Uint8Array(length);
  let at = 0;
  for (const part of parts) {
    out.set(part, at);
    at += part.length;
  }
  return out;
}
