import type { EngineContext } from '../engine';
import { subjectOf } from './storage-model';
import type { FileQuarantine } from './storage-quarantine';

/**
 * Ends retention: deletes the quarantined rows past their purgeAfter and
 * closes their findings. They become `repaired`, the status of a finished
 * repair: the quarantine was the first half of deleting the row and this is
 * the second (not `superseded`, which says the drift went away by itself,
 * nor `dismissed`, which is a person's choice). `details.purgedAt` says when,
 * so nothing offers a restore of a row that no longer exists anywhere.
 * Returns how many rows were purged.
 */
export async function purgeExpired(context: EngineContext, quarantine: FileQuarantine): Promise<number> {
  const now = context.clock.now().toISOString();
  const purged = await quarantine.purgeExpired(now);
  if (purged.length === 0) return 0;
  const { resources } = context;
  // The purge committed in the product DB; a crash before these store writes leaves the findings quarantined,
  // and restoring one then says the row was purged (storage-restore), which is still the truth.
  const findings = await resources.findingsBySubjects(purged.map(subjectOf), 'quarantined');
  await resources.updateFindings(
    findings.map((f) => f.id),
    { status: 'repaired', details: { purgedAt: now } },
  );
  await resources.audit({ action: 'purge-quarantined-files', subject: `${purged.length} file${purged.length === 1 ? '' : 's'}`, before: { fileRowIds: purged.slice(0, 1000) }, after: null });
  return purged.length;
}
