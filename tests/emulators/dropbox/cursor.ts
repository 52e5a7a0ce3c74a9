/**
 * A list_folder cursor: opaque to clients, but here a base64url JSON of
 * everything `continue` needs, because the real cursor also carries the
 * account, the listed path and options, and a point in time.
 * - `off` set: mid full pass (entries as of `pos`, starting at offset `off`);
 * - `off` absent: a delta cursor (changes after log position `pos`).
 */
export interface CursorState {
  account: string;
  epoch: number;
  path: string;
  recursive: boolean;
  includeDeleted: boolean;
  limit: number;
  pos: number;
  off?: number;
}

const PREFIX = 'AAEmu';

export function encodeCursor(state: CursorState): string {
  return PREFIX + Buffer.from(JSON.stringify(state)).toString('base64url');
}

/** undefined when the text is not one of our cursors (the API answers 400 then). */
export function decodeCursor(text: unknown): CursorState | undefined {
  if (typeof text !== 'string' || !text.startsWith(PREFIX)) return undefined;
  try {
    const state = JSON.parse(Buffer.from(text.slice(PREFIX.length), 'base64url').toString('utf8')) as Partial<CursorState>;
    if (typeof state.account !== 'string' || typeof state.pos !== 'number' || typeof state.path !== 'string') return undefined;
    return state as CursorState;
  } catch {
    return undefined;
  }
}
