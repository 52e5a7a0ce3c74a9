import { ApiError } from '../../api/errors';
import type { RunTrigger } from '../../api/models';
import type { StorageRestoreResult } from '../../api/storage';
import type { ProductDbAccess } from '../../appdb/product-db';
import type { Logger } from '../../logging/logger';
import type { Store } from '../../store/store';
import { readAccount, updateAccount } from './account-state';
import type { KeyValue } from './state-commits';
import { FileQuarantine, QuarantineError } from './storage-quarantine';
import { restoredKey } from './storage-repair';
import { SeenRows, seenKeyPrefix } from './seen-rows';
import { ENGINE_ID, isStorageProvider } from './storage-model';

export interface RestoreDeps {
  store: Store;
  connections: Pick<ProductDbAccess, 'openAppDb'>;
  now: () => string;
  actor: RunTrigger;
  /** Where a restore that could not be done is logged (the CLI's and the desktop's file log). */
  log?: Pick<Logger, 'warn'>;
}

/**
 * Undo of a repair: moves a quarantined file row back into the product's
 * files table and marks its finding `restored` (so automatic runs leave the
 * row alone). Idempotent: restoring a restored finding changes nothing.
 * Used by `storage.restore` and `syncwarden restore`.
 */
export async function restoreFinding(deps: RestoreDeps, findingId: number): Promise<StorageRestoreResult> {
  const [finding] = await deps.store.findings.byIds([findingId]);
  if (!finding) throw new ApiError('not-found', `There is no finding ${findingId}.`, { findingId });
  if (finding.engine !== ENGINE_ID) throw new ApiError('conflict', `Finding ${findingId} belongs to ${finding.engine}: only storage-orphans findings can be restored.`, { findingId });
  if (finding.status === 'restored') return { findingId, restored: false, status: 'restored', message: `${capital(fileOf(finding))} was restored already; nothing changed.` };
  if (typeof finding.details?.purgedAt === 'string') {
    throw new ApiError('conflict', `Finding ${findingId}'s file row was purged on ${finding.details.purgedAt}, after its retention period: there is nothing left to restore.`, { findingId, status: finding.status });
  }
  if (finding.status !== 'quarantined') {
    throw new ApiError('conflict', `Finding ${findingId} is ${finding.status}, not quarantined: only a quarantined file row can be restored.`, { findingId, status: finding.status });
  }
  const fileRowId = typeof finding.details?.fileRowId === 'string' ? finding.details.fileRowId : finding.subject.replace(/^file:/, '');
  const product = await deps.connections.openAppDb();
  try {
    const quarantine = new FileQuarantine(product.db, product.mapping);
    let outcome: Awaited<ReturnType<FileQuarantine['restore']>>;
    try {
      outcome = await quarantine.restore(fileRowId);
    } catch (error) {
      if (error instanceof QuarantineError) await refuse(deps, finding.id, fileRowId, error.message, fileOf(finding));
      throw error;
    }
    const now = deps.now();
    // Every finding of the same file row (a check of all and one of the user may both have found it) is restored together.
    const siblings = await deps.store.findings.bySubjects(ENGINE_ID, [finding.subject], 'quarantined');
    await deps.store.findings.setStatus([finding.id, ...siblings.map((s) => s.id).filter((id) => id !== finding.id)], 'restored', now);
    const kv: KeyValue = { get: (key) => deps.store.engineState.get(ENGINE_ID, key), set: (key, value) => deps.store.engineState.set(ENGINE_ID, key, value, now) };
    // Automatic repairs read this and leave the row alone: the admin decided to keep it.
    await kv.set(restoredKey(fileRowId), { findingId, at: now });
    const provider = finding.details?.provider;
    if (outcome.restored && typeof finding.details?.userId === 'string' && isStorageProvider(provider)) {
      const known = await readAccount(kv, finding.details.userId, provider);
      if (known) await updateAccount(kv, finding.details.userId, provider, { files: known.files + 1 });
      await forgetSeen(new SeenRows(kv, finding.details.userId, provider), fileRowId);
    }
    await deps.store.audit.append({ at: now, actor: deps.actor, engine: ENGINE_ID, runId: null, action: 'restore-file', subject: finding.subject, before: { quarantined: outcome.row }, after: outcome.row });
    // A restore that failed before and works now: the finding no longer carries the old reason.
    if (finding.details?.restoreError) await deps.store.findings.update([finding.id], { details: { restoreError: null } }, now, ENGINE_ID);
    return {
      findingId,
      restored: true,
      status: 'restored',
      message: outcome.restored ? `${capital(fileOf(finding))} is back in the product's files table.` : `${capital(fileOf(finding))} was already back in the files table; the finding is now marked restored.`,
    };
  } finally {
    await product.db.close();
  }
}

/**
 * The file as the admin knows it (toasts and the CLI say this): its name with
 * the row id, or the row id alone when the row had no name.
 */
function fileOf(finding: { subject: string; details: Record<string, unknown> | null }): string {
  const rowId = typeof finding.details?.fileRowId === 'string' ? finding.details.fileRowId : finding.subject.replace(/^file:/, '');
  const name = typeof finding.details?.fileName === 'string' && finding.details.fileName.trim() !== '' ? finding.details.fileName : null;
  return name ? `the file “${name}” (row ${rowId})` : `file row ${rowId}`;
}

const capital = (text: string) => text.charAt(0).toUpperCase() + text.slice(1);

/**
 * A restore that cannot be done: the quarantined row stays (the transaction rolled back), and the reason is
 * told in three places, in the same words: on the finding (the Storage page shows it), in the log, and to
 * the caller as a `conflict` (the console's message, the CLI's stderr and exit code 1).
 */
async function refuse(deps: RestoreDeps, findingId: number, fileRowId: string, message: string, file: string): Promise<never> {
  const at = deps.now();
  await deps.store.findings.update([findingId], { details: { restoreError: { at, message } } }, at, ENGINE_ID);
  deps.log?.warn({ findingId, fileRowId, reason: message, actor: deps.actor }, 'storage-orphans restore refused; the row stays quarantined');
  throw new ApiError('conflict', `${capital(file)} (finding ${findingId}) was not restored: ${message}`, { findingId, fileRowId, stillQuarantined: true });
}

/** A row back from quarantine is new to the next delta: it is examined again, so its drift is reported again (DESIGN §4.7). */
async function forgetSeen(seen: SeenRows, fileRowId: string): Promise<void> {
  const keys = await seen.load();
  if (!keys) return;
  // Whatever cloud file the row was seen with (every seenKey of the row starts with its seenKeyPrefix).
  const prefix = seenKeyPrefix(fileRowId);
  const kept = [...keys].filter((key) => !key.startsWith(prefix));
  if (kept.length !== keys.size) await seen.save(kept);
}
