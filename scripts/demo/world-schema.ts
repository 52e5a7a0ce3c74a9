import { readFileSync } from 'node:fs';
import { z } from 'zod';
import { SheetColumnSchema, SheetSourceSpecSchema } from '../../core/api/sheets';

/**
 * A demo world (docs/demo-worlds.md): the product's users and what the outside
 * services hold for them, with any drift written down explicitly. The demo
 * services turn it into the four emulators' seeds and the demo product
 * database (world-seeds.ts). resources/demo/world.json is the default world;
 * `--large` generates one in code (large-world.ts).
 */

const Provider = z.enum(['google', 'dropbox']);
export type Provider = z.infer<typeof Provider>;
const IsoDate = z.iso.datetime({ offset: true, message: 'an ISO 8601 date-time, e.g. 2025-01-01T09:00:00.000Z' });
const Email = z.string().regex(/^[^@\s]+@[^@\s]+$/, 'an email address');
const Minutes = z.number().int().min(1).max(10_080);

const UserSchema = z.strictObject({
  id: z.string().min(1),
  name: z.string(),
  email: Email,
  role: z.string().min(1).default('user'),
  emailVerified: z.boolean().default(true),
  createdAt: IsoDate,
  /** Providers the user connected (a storage_accounts row each, with a refresh token the emulator accepts). */
  storage: z.array(Provider).default([]),
  /** Providers whose grant the user revoked: the row keeps its refresh token, the provider refuses it (needs reconnect). */
  revokedGrants: z.array(Provider).default([]),
  mail: z.strictObject({ enabled: z.boolean(), intervalMinutes: Minutes }).default({ enabled: false, intervalMinutes: 60 }),
  syncSettings: z.strictObject({ autoSync: z.boolean(), deleteAfterSync: z.boolean(), intervalMinutes: Minutes }).default({ autoSync: true, deleteAfterSync: false, intervalMinutes: 360 }),
  /** The user in Supabase Auth: absent (a local-only user) or under another name (identity drift). */
  auth: z.strictObject({ present: z.boolean().default(true), name: z.string().optional() }).default({ present: true }),
});
export type WorldUser = z.output<typeof UserSchema>;

const AuthOnlyUserSchema = z.strictObject({ id: z.string().min(1), email: Email, name: z.string(), createdAt: IsoDate });

const FileSchema = z.strictObject({
  /** The owner's email (a user of this world). */
  user: Email,
  /** The provider's file id, exactly as its API returns it (Dropbox ids start with "id:"). */
  id: z.string().min(1),
  name: z.string().min(1),
  size: z.number().int().nonnegative(),
  /** present; trashed (Drive only: in the bin, still listed); gone (deleted at the provider: the row is an orphan). */
  state: z.enum(['present', 'trashed', 'gone']).default('present'),
  /** Whether the product DB has a files row for it (false: a file the product does not know). */
  row: z.boolean().default(true),
  /** The files row's id; default "file-<id without a leading id:>". */
  rowId: z.string().min(1).optional(),
  mimeType: z.string().min(1).default('application/pdf'),
  /** Default: the owner's createdAt. */
  modifiedTime: IsoDate.optional(),
  /** Dropbox only: the display path; default /Apps/Product/<name>. */
  path: z
    .string()
    .regex(/^(\/[^/]+)+$/, 'a Dropbox path: "/" then names, no empty segment nor trailing "/"')
    .refine((path) => !path.split('/').some((segment) => segment === '.' || segment === '..'), 'no "." or ".." in a Dropbox path')
    .optional(),
});
export type WorldFile = z.output<typeof FileSchema>;

/** The product's files row id of a world file (its rowId, else one made from the provider's id). */
export const fileRowId = (file: Pick<WorldFile, 'id' | 'rowId'>): string => file.rowId ?? `file-${file.id.replace(/^id:/, '')}`;

const AssetSchema = z.strictObject({
  user: Email,
  /** video → the videos table, clip → the clips table. */
  kind: z.enum(['video', 'clip']),
  publicId: z.string().min(1),
  /** Default: <rootFolder>/users/<email>/<kind>s. */
  folder: z.string().min(1).optional(),
  format: z.string().min(1).default('mp4'),
  duration: z.number().nonnegative().optional(),
  bytes: z.number().int().nonnegative().optional(),
  /** Default: the owner's createdAt. */
  createdAt: IsoDate.optional(),
  context: z.record(z.string(), z.string()).optional(),
  /** Whether the product DB has its videos/clips row (false: media drift a check finds). */
  row: z.boolean().default(true),
});
export type WorldAsset = z.output<typeof AssetSchema>;

/** `{n%0}` would write "NaN" into every generated cell: a modulus is at least 1. */
const GeneratedCell = z.string().refine((cell) => !/\{n%0+(?:\+\d+)?\}/.test(cell), 'a {n%K} modulus must be at least 1');

/** Rows made on demand by the sheet emulator: `{n}`, `{n%K}` and `{n%K+C}` in a cell become numbers (n = 1, 2, …). */
const GeneratedRowsSchema = z.strictObject({
  count: z.number().int().min(1).max(5_000_000),
  cells: z.array(GeneratedCell).min(1),
  /** Every `every`-th generated row uses these cells instead (rows an import must reject). */
  invalid: z.strictObject({ every: z.number().int().min(2), cells: z.array(GeneratedCell).min(1) }).optional(),
});
export type GeneratedRows = z.output<typeof GeneratedRowsSchema>;

const TabSchema = z.strictObject({
  title: z.string().min(1),
  /** Literal rows, the header first. */
  rows: z.array(z.array(z.string())).default([]),
  /** Rows generated after `rows` (a large sheet without a large file). */
  generated: GeneratedRowsSchema.optional(),
});

const SheetSourceSchema = z.strictObject({
  name: z.string(),
  /** The tab; default the spreadsheet's first tab. */
  sheet: z.string().optional(),
  method: z.enum(['sheets-api', 'csv-export']).optional(),
  targetTable: z.string(),
  columns: z.array(SheetColumnSchema),
});

const SheetSchema = z.strictObject({
  /** The owner's email: the sheet is in their Drive and the import reads it with their Google grant. */
  owner: Email,
  id: z.string().min(1),
  title: z.string().min(1),
  tabs: z.array(TabSchema).min(1),
  /**
   * How long each values window (one read of rows) takes: a latency per read plus the body at a throughput.
   * The real Sheets API takes seconds for a 2 MB window; the emulator answers at once unless this is set.
   */
  network: z.strictObject({ latencyMs: z.number().int().nonnegative().max(60_000), bytesPerSecond: z.number().int().min(1_000).optional() }).optional(),
  /** A sheet-import source the demo registers for this sheet. */
  source: SheetSourceSchema.optional(),
});
export type WorldSheet = z.output<typeof SheetSchema>;

const EpochOrIso = z.union([z.number().int().nonnegative(), IsoDate]);
const MailboxSchema = z.strictObject({
  user: Email,
  historyId: z.number().int().min(1),
  messages: z.array(
    z.strictObject({
      id: z.string().min(1),
      threadId: z.string().min(1).optional(),
      labelIds: z.array(z.string()).optional(),
      /** Epoch milliseconds or an ISO date-time. */
      internalDate: EpochOrIso,
      headers: z.record(z.string(), z.string()),
      snippet: z.string().optional(),
    }),
  ),
});
export type WorldMailbox = z.output<typeof MailboxSchema>;

export const SERVICES = ['google', 'dropbox', 'cloudinary', 'supabase'] as const;
const HeaderName = z.string().regex(/^[!#$%&'*+.^_`|~0-9A-Za-z-]+$/, 'an HTTP header name (letters, digits, -, no spaces)');
const HeaderValue = z.string().regex(/^[\t\x20-\x7e\x80-\xff]*$/, 'an HTTP header value (no line breaks or control characters)');
const FaultSchema = z.strictObject({
  service: z.enum(SERVICES),
  /** A route name of that emulator (tests/emulators/*\/README.md), or "*" for every route. */
  route: z.string().min(1),
  // A final answer: a 1xx status is no answer (the client hung or failed to connect); a hang is delayMs or stallAfterBytes.
  status: z.number().int().min(200, 'a final HTTP status, 200 to 599 (for no answer use drop, delayMs or stallAfterBytes)').max(599),
  body: z.unknown().optional(),
  // What Node can send: else the emulator answered 500 "emulator crashed" instead of the scripted fault.
  headers: z.record(HeaderName, HeaderValue).optional(),
  delayMs: z.number().int().nonnegative().optional(),
  times: z.number().int().min(1).optional(),
  probability: z.number().min(0).max(1).optional(),
  drop: z.boolean().optional(),
  passThrough: z.boolean().optional(),
  stallAfterBytes: z.number().int().nonnegative().optional(),
  foreign: z.enum(['html', 'empty', 'json']).optional(),
});
export type WorldFault = z.output<typeof FaultSchema>;

const WorldShape = z.strictObject({
  version: z.literal(1),
  description: z.string().optional(),
  users: z.array(UserSchema).min(1),
  /** Supabase Auth users the product does not have (remote-only identity drift). */
  authOnlyUsers: z.array(AuthOnlyUserSchema).default([]),
  files: z.strictObject({ google: z.array(FileSchema).default([]), dropbox: z.array(FileSchema).default([]) }).default({ google: [], dropbox: [] }),
  assets: z.array(AssetSchema).default([]),
  sheets: z.array(SheetSchema).default([]),
  mail: z.array(MailboxSchema).default([]),
  faults: z.array(FaultSchema).default([]),
});
export const WorldSchema = WorldShape.superRefine((world, ctx) => crossCheck(world, ctx));
export type World = z.output<typeof WorldSchema>;

/** References between sections: every email names a user, with the provider it needs; ids are unique. */
function crossCheck(world: z.output<typeof WorldShape>, ctx: z.RefinementCtx): void {
  const users = new Map<string, WorldUser>();
  const ids = new Set<string>();
  world.users.forEach((user, i) => {
    if (users.has(user.email)) ctx.addIssue({ code: 'custom', path: ['users', i, 'email'], message: `${user.email} is listed twice` });
    if (ids.has(user.id)) ctx.addIssue({ code: 'custom', path: ['users', i, 'id'], message: `${user.id} is listed twice` });
    users.set(user.email, user);
    ids.add(user.id);
    user.revokedGrants.forEach((provider, g) => {
      if (!user.storage.includes(provider)) ctx.addIssue({ code: 'custom', path: ['users', i, 'revokedGrants', g], message: `${provider} is not in this user's storage` });
    });
  });
  const owner = (email: string, path: (string | number)[], provider?: Provider) => {
    const user = users.get(email);
    if (!user) ctx.addIssue({ code: 'custom', path, message: `no user with email ${email}` });
    else if (provider && !user.storage.includes(provider)) ctx.addIssue({ code: 'custom', path, message: `${email} has no ${provider} storage` });
  };
  // One files table for both providers: a Drive file "abc" and a Dropbox file "id:abc" both default to row "file-abc".
  const rowIds = new Set<string>();
  for (const provider of Provider.options) {
    const seen = new Set<string>();
    const paths = new Set<string>();
    world.files[provider].forEach((file, i) => {
      owner(file.user, ['files', provider, i, 'user'], provider);
      if (seen.has(file.id)) ctx.addIssue({ code: 'custom', path: ['files', provider, i, 'id'], message: `${file.id} is listed twice` });
      seen.add(file.id);
      if (file.state === 'trashed' && provider === 'dropbox') ctx.addIssue({ code: 'custom', path: ['files', provider, i, 'state'], message: 'Dropbox has no bin here: use present or gone' });
      if (file.path !== undefined && provider === 'google') ctx.addIssue({ code: 'custom', path: ['files', provider, i, 'path'], message: 'path is for Dropbox files only' });
      if (file.row) {
        const rowId = fileRowId(file);
        if (rowIds.has(rowId)) ctx.addIssue({ code: 'custom', path: ['files', provider, i, file.rowId === undefined ? 'id' : 'rowId'], message: `files row ${rowId} is listed twice (set rowId)` });
        rowIds.add(rowId);
      }
      // Dropbox paths are unique per account, case-insensitively (the default path is made from the name).
      if (provider === 'dropbox' && file.state !== 'gone') {
        const path = `${file.user}\u0000${(file.path ?? `/Apps/Product/${file.name}`).toLowerCase()}`;
        if (paths.has(path)) ctx.addIssue({ code: 'custom', path: ['files', provider, i, file.path === undefined ? 'name' : 'path'], message: `${file.user} already has a file at this path` });
        paths.add(path);
      }
    });
  }
  // A Dropbox path is a file or a folder, never both: no file where another file's folder (or the app folder) is.
  const folders = new Set<string>(['/apps', '/apps/product'].flatMap((folder) => world.users.map((user) => `${user.email}\u0000${folder}`)));
  for (const file of world.files.dropbox) {
    const path = (file.path ?? `/Apps/Product/${file.name}`).toLowerCase();
    for (let cut = path.lastIndexOf('/'); cut > 0; cut = path.lastIndexOf('/', cut - 1)) folders.add(`${file.user}\u0000${path.slice(0, cut)}`);
  }
  world.files.dropbox.forEach((file, i) => {
    const path = (file.path ?? `/Apps/Product/${file.name}`).toLowerCase();
    if (folders.has(`${file.user}\u0000${path}`)) ctx.addIssue({ code: 'custom', path: ['files', 'dropbox', i, file.path === undefined ? 'name' : 'path'], message: `${file.path ?? file.name} is a folder of ${file.user}'s Dropbox` });
  });
  const assetIds = new Set<string>();
  world.assets.forEach((asset, i) => {
    owner(asset.user, ['assets', i, 'user']);
    if (assetIds.has(asset.publicId)) ctx.addIssue({ code: 'custom', path: ['assets', i, 'publicId'], message: `${asset.publicId} is listed twice` });
    assetIds.add(asset.publicId);
  });
  const sheetIds = new Set<string>();
  world.sheets.forEach((sheet, i) => {
    owner(sheet.owner, ['sheets', i, 'owner'], 'google');
    if (sheetIds.has(sheet.id)) ctx.addIssue({ code: 'custom', path: ['sheets', i, 'id'], message: `${sheet.id} is listed twice` });
    sheetIds.add(sheet.id);
    const titles = new Set<string>();
    sheet.tabs.forEach((tab, t) => {
      if (titles.has(tab.title)) ctx.addIssue({ code: 'custom', path: ['sheets', i, 'tabs', t, 'title'], message: `${tab.title} is listed twice` });
      titles.add(tab.title);
    });
    if (!sheet.source) return;
    const spec = SheetSourceSpecSchema.safeParse({ ...sourceSpecInput(sheet, 'x'), storageAccountId: 'x' });
    for (const issue of spec.success ? [] : spec.error.issues) ctx.addIssue({ code: 'custom', path: ['sheets', i, 'source', ...issue.path.map(pathKey)], message: issue.message });
  });
  // One mailbox per user (a second one replaced the first), one message per id.
  const mailboxes = new Set<string>();
  world.mail.forEach((mailbox, i) => {
    owner(mailbox.user, ['mail', i, 'user']);
    if (mailboxes.has(mailbox.user)) ctx.addIssue({ code: 'custom', path: ['mail', i, 'user'], message: `${mailbox.user} has a mailbox already` });
    mailboxes.add(mailbox.user);
    const messageIds = new Set<string>();
    mailbox.messages.forEach((message, m) => {
      if (messageIds.has(message.id)) ctx.addIssue({ code: 'custom', path: ['mail', i, 'messages', m, 'id'], message: `${message.id} is listed twice` });
      messageIds.add(message.id);
    });
  });
  // Supabase Auth holds one user per id and per email: an auth-only user is nobody else.
  const authEmails = new Set(world.users.filter((u) => u.auth.present).map((u) => u.email.toLowerCase()));
  world.authOnlyUsers.forEach((user, i) => {
    if (ids.has(user.id)) ctx.addIssue({ code: 'custom', path: ['authOnlyUsers', i, 'id'], message: `${user.id} is listed twice` });
    if (authEmails.has(user.email.toLowerCase())) ctx.addIssue({ code: 'custom', path: ['authOnlyUsers', i, 'email'], message: `${user.email} is listed twice` });
    ids.add(user.id);
    authEmails.add(user.email.toLowerCase());
  });
}

const pathKey = (key: PropertyKey): string | number => (typeof key === 'number' ? key : String(key));

/** A sheet's source as SheetSourceSpecSchema input (the connection and storage account come from the demo). */
export function sourceSpecInput(sheet: WorldSheet, storageAccountId: string): Record<string, unknown> {
  const source = sheet.source;
  if (!source) throw new Error(`sheet ${sheet.id} has no source`);
  return {
    name: source.name,
    spreadsheetId: sheet.id,
    sheet: source.sheet ?? sheet.tabs[0]?.title ?? '',
    ...(source.method ? { method: source.method } : {}),
    connection: 'Google Workspace',
    storageAccountId,
    targetTable: source.targetTable,
    columns: source.columns,
  };
}

/** A bad world file, with one line per problem naming its JSON path (e.g. `users[3].email`). */
export class WorldFileError extends Error {
  constructor(
    readonly source: string,
    readonly problems: string[],
  ) {
    super(`world file ${source} is not valid:\n${problems.map((p) => `  ${p}`).join('\n')}`);
    this.name = 'WorldFileError';
  }
}

/** `users[3].email` from ['users', 3, 'email']. */
export function jsonPath(path: readonly PropertyKey[]): string {
  return path.reduce<string>((text, key) => (typeof key === 'number' ? `${text}[${key}]` : text ? `${text}.${String(key)}` : String(key)), '') || '(top level)';
}

export function parseWorld(value: unknown, source: string): World {
  // The shape first: a cross-reference check on a malformed world only repeats its errors (a bad email → every file of that user).
  const shaped = WorldShape.safeParse(value);
  const parsed = shaped.success ? WorldSchema.safeParse(value) : shaped;
  if (parsed.success) return parsed.data;
  const { issues } = parsed.error;
  const problems = issues.slice(0, 20).map((issue) => `${jsonPath(issue.path)}: ${issue.message}`);
  throw new WorldFileError(source, issues.length > 20 ? [...problems, `… and ${issues.length - 20} more`] : problems);
}

export function loadWorldFile(path: string): World {
  let text: string;
  try {
    text = readFileSync(path, 'utf8');
  } catch (error) {
    throw new WorldFileError(path, [`cannot read it: ${(error as Error).message}`]);
  }
  let value: unknown;
  try {
    value = JSON.parse(text);
  } catch (error) {
    throw new WorldFileError(path, [`not JSON: ${(error as Error).message}`]);
  }
  return parseWorld(value, path);
}
