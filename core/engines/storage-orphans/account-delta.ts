import { TimeSlicer } from '../../base/cooperative';
import type { Finding } from '../../api/models';
import { carry, findingRowKey, finish, PROBE_BATCH, probeRows, type AccountCheckInput, type AccountCheckResult, type AccountReport, type Drift } from './account-probe';
import type { PassReason } from './account-pass';
import type { DeltaListing, ProviderRemote } from './remote-view';
import { seenKey } from './seen-rows';
import type { SeenRowKey } from './storage-db';
import { FINDING_KINDS, MAX_PAGE_SIZE, type FileRow, type StorageFindingKind } from './storage-model';

export type DeltaOutcome = { done: AccountCheckResult } | { fallback: PassReason; message: string | null };

/**
 * A delta pass (DESIGN §4.7): the cloud's changes since the cursor, AND every
 * row of the account that no earlier pass examined (rows the product added
 * since: found by comparing the account's row ids, read locally from the
 * index, with the seen set). New rows are probed by their cloud id; a change
 * is tied to rows by cloud id, never by name. Falls back to a full pass
 * (nothing emitted yet) when the cursor is refused, when a deletion cannot be
 * tied to a file, or when probing the new rows would cost more than a listing.
 */
export async function deltaPass(input: AccountCheckInput, remote: ProviderRemote, cursor: string, seen: Set<string>, report: AccountReport, drift: (d: Drift) => Promise<void>): Promise<DeltaOutcome> {
  const { account, state, product, signal } = input;
  // Row id → seenKey of every row now; a row is unseen unless this very row (same id, same cloud file) was examined.
  const current = new Map<string, string>();
  const unseen: SeenRowKey[] = [];
  const slicer = new TimeSlicer();
  for await (const chunk of product.accountIds(account.userId, account.provider)) {
    for (const row of chunk) {
      const id = String(row.id);
      const pid = String(row.pid);
      const key = seenKey(id, pid);
      current.set(id, key);
      if (!seen.has(key)) unseen.push({ id, pid });
    }
    await slicer.maybeYield(signal);
  }
  const listPages = Math.max(1, Math.ceil((state.remoteFiles ?? current.size) / MAX_PAGE_SIZE[account.provider]));
  if (unseen.length > Math.max(listPages, PROBE_BATCH)) return { fallback: 'many rows added', message: `${unseen.length} rows were added since the last pass: listed the account in full.` };

  let delta: DeltaListing;
  try {
    delta = await remote.delta(cursor, signal, new Map(Object.entries(state.paths ?? {})));
  } catch (error) {
    if (!remote.isCursorRejected(error)) throw error;
    report.cursorRejected = true;
    return { fallback: 'cursor rejected', message: 'The stored change cursor was refused: listed the account in full.' };
  }
  input.conclusions?.aliveIn(delta.alive);
  const atAlivePaths = alivePaths(delta);
  input.conclusions?.alivePathsIn(atAlivePaths);
  const fresh = await product.accountRowsByKeys(account.userId, account.provider, unseen);
  const unknown = await applyDelta(input, remote, delta, fresh, report, drift, atAlivePaths);
  if (!unknown) return { fallback: 'changes not tied to files', message: 'A deletion could not be tied to a file (a deleted folder?): listed the account in full.' };
  report.pass = 'delta';
  report.passReason = 'changes since the last pass';
  // Seen now: every row of the account except new rows that got no definitive answer (the next delta probes them again).
  const nowSeen = [...current].filter(([id]) => !unknown.has(id)).map(([, key]) => key);
  if (nowSeen.length !== seen.size || unseen.length > 0) await input.seen.save(nowSeen);
  const paths = delta.paths ? await renamedRows(input, delta.paths) : undefined;
  return { done: finish(report, { cursor: delta.cursor, files: current.size, ...(paths ? { paths } : {}) }) };
}

/**
 * Applies a delta: suspects and new rows are probed (only a definitive answer
 * makes an orphan), trashed files become findings, and earlier findings the
 * delta does not contradict are carried forward. Returns the ids of probed
 * rows left unknown, or undefined when the account must be listed in full
 * instead (nothing has been emitted then).
 */
async function applyDelta(input: AccountCheckInput, remote: ProviderRemote, delta: DeltaListing, fresh: FileRow[], report: AccountReport, drift: (d: Drift) => Promise<void>, atAlivePaths: ReadonlySet<string>): Promise<Set<string> | undefined> {
  const { account, product } = input;
  // A Dropbox deletion carries a path, no id. One at a path no file id is known at cannot be tied to a row: a row's
  // name is the product's (a display name, or another file's), and the path may be a folder holding many files. Only a
  // full pass can tell which files are gone (s26 attack: a name match probed a live namesake and missed the orphan).
  if (delta.deletedNames.size) return undefined;
  const suspects = await product.rowsByProviderIds(account.userId, account.provider, [...delta.suspects]);
  report.mode = 'delta';
  const trashedRows = await product.rowsByProviderIds(account.userId, account.provider, [...delta.trashed]);
  // Rows by seenKey (id and cloud id), never by id text alone: 7 and '7' are two rows (s22 attack).
  const keyOf = (r: FileRow) => seenKey(r.id, r.providerFileId);
  const trashedKeys = new Set(trashedRows.map(keyOf));
  // What this delta learnt of each cloud file it was told about or asked about: gone or trashed, or alive.
  const fates = new Map<string, StorageFindingKind | 'alive'>();
  const learnt = async (d: Drift) => {
    if (!fates.has(d.row.providerFileId)) fates.set(d.row.providerFileId, d.kind);
    await drift(d);
  };
  for (const row of trashedRows) await learnt({ row, kind: FINDING_KINDS.trashed });
  // New rows: those the changes show alive need no call; the others are probed with the suspects, once each.
  const probe = new Map<string, FileRow>();
  for (const row of [...suspects, ...fresh.filter((r) => !delta.alive.has(r.providerFileId))]) if (!trashedKeys.has(keyOf(row))) probe.set(keyOf(row), row);
  const aliveNew = fresh.filter((r) => delta.alive.has(r.providerFileId) && !probe.has(keyOf(r)) && !trashedKeys.has(keyOf(r))).length;
  report.filesChecked += aliveNew;
  const unknown = await probeRows(input, remote, [...probe.values()], report, learnt);
  for (const row of probe.values()) if (!unknown.has(row.id) && !fates.has(row.providerFileId)) fates.set(row.providerFileId, 'alive');
  // Each row probed or trashed here has its own answer (a finding made, or carried by the probe without one).
  const answered = new Set([...probe.values(), ...trashedRows].map(keyOf));
  // The other earlier findings stand unless a change or a probe shows their file alive again; a file this delta found
  // gone or trashed through another row (two rows on one cloud file) makes their finding again, as that kind. Rows
  // deleted since, or re-pointed at another cloud file (the finding was about the old one), are dropped.
  const pidOf = (finding: Finding) => String(finding.details?.providerFileId ?? '');
  const alive = (pid: string) => delta.alive.has(pid) || atAlivePaths.has(pid.toLowerCase()) || fates.get(pid) === 'alive';
  const standing = [...input.previous.values()].filter((f) => !answered.has(findingRowKey(f)) && !alive(pidOf(f)));
  const rows = new Map((await product.accountRowsByKeys(account.userId, account.provider, standing.map((f) => ({ id: String(f.details?.fileRowId ?? ''), pid: pidOf(f) })))).map((r) => [keyOf(r), r]));
  for (const finding of standing) {
    const row = rows.get(findingRowKey(finding));
    if (!row) continue;
    // Never 'alive' here (filtered above): a kind another row's answer gave the file, or nothing learnt.
    const fate = fates.get(row.providerFileId);
    if (fate !== undefined && fate !== 'alive') await drift({ row, kind: fate });
    else await carry(input, report, finding, 'unchanged');
  }
  return unknown;
}

/**
 * Dropbox: the lower-case paths this delta saw a file at. A row kept by path (no `id:`, probed by path) whose path
 * holds a file again is alive, whatever file it is: its earlier finding is over (s23c attack).
 */
function alivePaths(delta: DeltaListing): Set<string> {
  const paths = new Set<string>();
  for (const [path, id] of delta.paths ?? []) if (delta.alive.has(id)) paths.add(path);
  return paths;
}

/** Dropbox: the paths of this account's rows whose file now lives under another name than the row's (a rename). */
async function renamedRows(input: AccountCheckInput, paths: Map<string, string>): Promise<Record<string, string>> {
  const rows = await input.product.rowsByProviderIds(input.account.userId, input.account.provider, [...new Set(paths.values())]);
  const nameOf = new Map(rows.map((r) => [r.providerFileId, (r.name ?? '').toLowerCase()]));
  const kept: Record<string, string> = {};
  for (const [path, id] of paths) {
    const name = nameOf.get(id);
    if (name !== undefined && path.slice(path.lastIndexOf('/') + 1) !== name) kept[path] = id;
  }
  return kept;
}
