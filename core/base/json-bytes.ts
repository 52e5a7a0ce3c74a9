/**
 * The code units of JSON's structural characters, for the scanners that find
 * where JSON values begin and end without parsing them (the sheet-import
 * values rows, the streamed listing pages). The same in UTF-8 bytes and in
 * UTF-16 code units: all are ASCII.
 */
export const QUOTE = 0x22;
export const BACKSLASH = 0x5c;
export const COMMA = 0x2c;
export const COLON = 0x3a;
export const OPEN_BRACE = 0x7b;
export const CLOSE_BRACE = 0x7d;
export const OPEN_BRACKET = 0x5b;
export const CLOSE_BRACKET = 0x5d;

/** JSON's four whitespace characters (RFC 8259 §2), nothing else. */
export function isJsonSpace(c: number): boolean {
  return c === 0x20 || c === 0x0a || c === 0x0d || c === 0x09;
}
