import { isConnectorError } from '../../connectors/shared/connector-error';
import type { RepairAction } from './identity-actions';

/**
 * Repairs the service refused for a reason that will not change by itself
 * (DESIGN §4.6): GoTrue's own 4xx answer such as 422 `email_exists`. Such a
 * user becomes a manual finding carrying the service's message, and no
 * repair of all users or scheduled run tries it again; repairing that user
 * by hand (by finding or by email) does, after the admin fixed the cause.
 */
export interface RepairBlock {
  action: RepairAction;
  /** GoTrue's error code (`email_exists`), when it sent one. */
  code: string | null;
  message: string;
  at: string;
}

/** Engine state key of the blocks (the Users page's summary reads them too). */
export const REPAIR_BLOCKS_KEY = 'repair-blocks';
const KEY = REPAIR_BLOCKS_KEY;

interface StateAccess {
  get<T>(key: string): Promise<T | undefined>;
  set(key: string, value: unknown): Promise<void>;
}

/** The engine's own refusal for a reason that will not change by itself (a row other tables' rows hang on). */
export class LastingRefusal extends Error {
  constructor(
    readonly code: string,
    message: string,
  ) {
    super(message);
  }
}

/** Only the service's own client error is lasting: 429, 5xx, network errors and foreign bodies are retried. */
export function lastingRefusal(error: unknown): { code: string | null; message: string } | null {
  if (error instanceof LastingRefusal) return { code: error.code, message: error.message };
  if (!isConnectorError(error, 'invalid-request') || error.status === undefined || error.status < 400 || error.status >= 500) return null;
  // Our own refusal before any request (a non-UUID id) is lasting as well; a 4xx without GoTrue's code is not its own.
  if (!error.reason) return null;
  return { code: error.reason, message: error.message.replace(/^[a-zA-Z]+: /, '') };
}

/** The blocks as a lookup by finding subject. */
export interface BlockList {
  get(subject: string): RepairBlock | undefined;
}

/**
 * Whether a repair of this selection leaves the finding for a person because GoTrue refused it for good: the one
 * rule identity.plan and the repair both apply, from the engine's block list (which a refused repair updates at
 * once), never from a finding's `details.block` (the list as the last check saw it). Two sources made the plan
 * shown differ from the plan run after one refused ban, so every "Repair all" was refused until a check ran.
 * `chosen`: picked by hand (finding ids or a user), which tries the user again after the admin fixed the cause.
 */
export function leftBlocked(blocks: BlockList, subject: string, chosen: boolean): boolean {
  return !chosen && blocks.get(subject) !== undefined;
}

/** The block list as the engine's state holds it now, read only (identity.plan reads it through the store). */
export async function readBlocks(get: (key: string) => Promise<Record<string, RepairBlock> | undefined>): Promise<BlockList> {
  const blocks = new Map(Object.entries((await get(KEY)) ?? {}));
  return { get: (subject) => blocks.get(subject) };
}

export class RepairBlocks implements BlockList {
  private dirty = false;

  /**
   * A Map, not the stored object: a check asks about every user (a million
   * subjects, nearly all absent), and `subject in object` makes V8 intern
   * each fresh key string into the old generation (about 50 MB of garbage
   * at a million users, issue 19); a Map lookup hashes it and keeps nothing.
   */
  private constructor(
    private readonly state: StateAccess,
    private readonly blocks: Map<string, RepairBlock>,
  ) {}

  /** The blocks as the engine's state holds them now. */
  static async load(state: StateAccess): Promise<RepairBlocks> {
    return new RepairBlocks(state, new Map(Object.entries((await state.get<Record<string, RepairBlock>>(KEY)) ?? {})));
  }

  get(subject: string): RepairBlock | undefined {
    return this.blocks.get(subject);
  }

  add(subject: string, block: RepairBlock): void {
    this.blocks.set(subject, block);
    this.dirty = true;
  }

  clear(subject: string): void {
    if (!this.blocks.delete(subject)) return;
    this.dirty = true;
  }

  async save(): Promise<void> {
    if (this.dirty) await this.state.set(KEY, Object.fromEntries(this.blocks));
    this.dirty = false;
  }
}
