import { formatCount } from '../../base/format-count';

/**
 * A streaming CSV splitter (RFC 4180, as Drive's export writes it) that
 * survives a malformed line. csv-parse stops at the first bad quote, and its
 * skip mode loses the rows after it, so one bad line used to fail the whole
 * import and cite a file line. Here a bad record is returned as one record
 * flagged `malformed`, in its place, so its sheet row number is simply its
 * position, and parsing resumes at the next line:
 * - a quote inside an unquoted cell, or text after a closing quote: the rest
 *   of that physical line is dropped with the record;
 * - a quote never closed (at the end, or over MAX_QUOTED_CHARS, beyond
 *   Sheets' 50,000-character cell limit): the record is the line the quote
 *   opened on, and parsing restarts on the line after it.
 */
export interface CsvRecord {
  cells: string[];
  /** Why the record could not be read; its cells are then empty. */
  malformed?: string;
}

export const MAX_QUOTED_CHARS = 60_000;

type State = 'start' | 'unquoted' | 'quoted' | 'quote-in-quoted' | 'junk';

export class CsvRecordSplitter {
  private state: State = 'start';
  private cells: string[] = [];
  private cell = '';
  /** Raw text since the opening quote of the current quoted cell (to restart after an unclosed quote). */
  private raw = '';
  private problem: string | undefined;
  private seenBom = false;
  private out: CsvRecord[] = [];

  /** Feeds text; returns the records completed by it. */
  push(text: string): CsvRecord[] {
    if (!this.seenBom && text.length > 0) {
      this.seenBom = true;
      if (text.charCodeAt(0) === 0xfeff) text = text.slice(1);
    }
    this.scan(text);
    const done = this.out;
    this.out = [];
    return done;
  }

  /** The end of the input: the last record, if any. */
  end(): CsvRecord[] {
    // Each pass ends one record and reads what followed its line again, so this terminates.
    while (this.state === 'quoted') this.unclosedQuote('a quote opened here is never closed');
    if (this.state !== 'start' || this.cells.length > 0 || this.cell !== '') this.finishRecord();
    const done = this.out;
    this.out = [];
    return done;
  }

  private scan(text: string): void {
    for (let i = 0; i < text.length; i++) {
      const ch = text[i] as string;
      switch (this.state) {
        case 'start':
          if (ch === '"') {
            this.state = 'quoted';
            this.raw = '';
          } else if (ch === ',') this.cells.push('');
          else if (ch === '\n') this.finishRecord();
          else if (ch !== '\r') {
            this.state = 'unquoted';
            this.cell = ch;
          }
          break;
        case 'unquoted': {
          // Fast path: copy up to the next special character.
          let j = i;
          while (j < text.length && text[j] !== ',' && text[j] !== '\n' && text[j] !== '"') j++;
          this.cell += text.slice(i, j);
          i = j;
          if (j >= text.length) break;
          if (text[j] === ',') this.endCell();
          else if (text[j] === '\n') this.finishRecord();
          else this.malformed('a quote inside an unquoted cell');
          break;
        }
        case 'quoted':
          this.raw += ch;
          if (ch === '"') this.state = 'quote-in-quoted';
          else if (this.cell.length >= MAX_QUOTED_CHARS) {
            const rest = text.slice(i + 1);
            this.unclosedQuote(`a quoted cell runs past ${formatCount(MAX_QUOTED_CHARS)} characters (a quote never closed?)`);
            this.scan(rest);
            return;
          } else this.cell += ch;
          break;
        case 'quote-in-quoted':
          this.raw += ch;
          if (ch === '"') {
            this.cell += '"';
            this.state = 'quoted';
          } else if (ch === ',') this.endCell();
          else if (ch === '\n') this.finishRecord();
          else if (ch !== '\r') this.malformed('text after a closing quote');
          break;
        case 'junk':
          if (ch === '\n') this.finishRecord();
          break;
      }
    }
  }

  private endCell(): void {
    this.cells.push(stripCr(this.cell));
    this.cell = '';
    this.state = 'start';
  }

  private finishRecord(): void {
    if (this.state !== 'junk') this.cells.push(stripCr(this.cell));
    this.out.push(this.problem ? { cells: [], malformed: this.problem } : { cells: this.cells });
    this.cells = [];
    this.cell = '';
    this.problem = undefined;
    this.state = 'start';
  }

  private malformed(problem: string): void {
    this.problem ??= problem;
    this.state = 'junk';
  }

  /** The record ends at the line the quote opened on; what followed that line is read again as records. */
  private unclosedQuote(problem: string): void {
    const raw = this.raw;
    const newline = raw.indexOf('\n');
    this.problem ??= problem;
    this.state = 'junk';
    this.raw = '';
    this.finishRecord();
    if (newline >= 0) this.scan(raw.slice(newline + 1));
  }
}

function stripCr(cell: string): string {
  return cell.endsWith('\r') ? cell.slice(0, -1) : cell;
}
