import type { Finding } from '../../api/models';
import { TimeSlicer } from '../../base/cooperative';
import type { EngineContext, EngineControls } from '../engine';
import { FailedItems } from '../failed-items';
import { chunks, type MediaDb } from './media-db';
import { parentCandidates } from './media-folders';
import { ContainedInsert } from './media-insert';
import { FINDING_KINDS, MediaAssetSchema, subjectOf, type MediaAsset } from './media-model';
import type { MediaImportParams } from './media-params';

/** Rows per transaction: big enough for speed, small enough that one batch never holds the host for long. */
const BATCH = 500;
/** Finding status updates per transaction. */
const STATUS_CHUNK = 125;

interface Planned {
  finding: Finding;
  asset: MediaAsset;
  userId: string;
}

/**
 * Repair: insert the rows of the chosen missing-in-DB findings. Videos go
 * first so clips imported in the same run can link to them. Every batch is
 * one transaction with `ON CONFLICT (public_id) DO NOTHING`, and its findings
 * are marked repaired only after it commits: a crash leaves them open, and
 * the next repair inserts nothing twice. No Cloudinary call is made: the
 * finding carries what the row needs.
 */
export async function runRepair(params: MediaImportParams, context: EngineContext, controls: EngineControls, db: MediaDb) {
  const { resources } = context;
  const { signal, progress } = controls;
  progress.phase('import', { message: 'Reading the chosen findings' });
  const slicer = new TimeSlicer();
  const invalid: number[] = [];
  // Rows this repair could not insert, with why (DESIGN §4.6: any of them ends the run `partial`).
  const failed = new FailedItems();
  const parsed: { finding: Finding; asset: MediaAsset }[] = [];
  let chosen = 0;
  // Paged with yields: 5,000 findings read and JSON-parsed in one call stalled the host for ~75 ms.
  for await (const page of resources.findingsForRepairPages(params, { signal })) {
    chosen += page.length;
    for (const finding of page) {
      if (finding.kind !== FINDING_KINDS.missingInDb) continue;
      // Details come back from the store as JSON: validated, never trusted.
      const asset = MediaAssetSchema.safeParse(finding.details?.asset);
      if (asset.success) parsed.push({ finding, asset: asset.data });
      else {
        invalid.push(finding.id);
        failed.add(finding.subject, `Finding ${finding.id} does not describe an asset that can be imported (its details are incomplete).`);
      }
      await slicer.maybeYield(signal);
    }
  }
  const importable = parsed.length + invalid.length;
  const skipped = chosen - importable;
  progress.update({ total: importable, message: `Importing ${importable} ${importable === 1 ? 'row' : 'rows'}` });
  if (invalid.length) await resources.setFindingStatus(invalid, 'failed');
  // The owner is resolved again now: users may have been added or removed since the check.
  const owners = await db.usersByEmail(parsed.map((p) => p.asset.email));
  const planned: Planned[] = [];
  let unknownOwner = 0;
  for (const p of parsed) {
    const userId = owners.get(p.asset.email);
    if (userId) planned.push({ ...p, userId });
    else {
      unknownOwner++;
      failed.add(p.finding.subject, `No user has the email ${p.asset.email} any more: the row has no owner to be imported under.`);
    }
  }

  let inserted = 0;
  let insertMs = 0;
  let unlinked = 0;
  const inserter = new ContainedInsert(db, failed, signal);
  /** Inserts a batch; returns the planned rows that are in the table now (a refused row's finding stays open). */
  const write = async (kind: 'video' | 'clip', all: Planned[], videoIds?: Map<string, string>): Promise<Planned[]> => {
    const started = performance.now();
    const rows = all.map((p) => ({ asset: p.asset, userId: p.userId, videoId: videoIds?.get(p.asset.publicId) ?? null }));
    const { done, changes } = await inserter.insert(kind, rows);
    const went = new Set(done);
    const batch = all.filter((_, i) => went.has(rows[i] as (typeof rows)[number]));
    insertMs += performance.now() - started;
    inserted += changes;
    // Insert, status update and audit of 500 rows together came near the 50 ms stall limit: a yield between them.
    await slicer.maybeYield(signal);
    // Marked in small transactions (500 status updates in one took ~30 ms); a crash between them leaves
    // some open, and the next repair inserts nothing twice for them.
    for (const ids of chunks(batch.map((p) => p.finding.id), STATUS_CHUNK)) {
      await resources.setFindingStatus(ids, 'repaired');
      await slicer.maybeYield(signal);
    }
    if (batch.length) await resources.audit({
      action: `import-${kind}s`,
      subject: batch.length === 1 ? subjectOf(batch[0]!.asset.publicId) : `${batch.length} ${kind}s`,
      before: null,
      after: { inserted: changes, alreadyPresent: batch.length - changes, publicIds: batch.map((p) => p.asset.publicId) },
    });
    progress.advance(all.length);
    await slicer.maybeYield(signal);
    return batch;
  };

  for (const batch of chunks(planned.filter((p) => p.asset.kind === 'video'), BATCH)) await write('video', batch);
  for (const batch of chunks(planned.filter((p) => p.asset.kind === 'clip'), BATCH)) {
    const parents = await resolveParents(db, batch);
    const done = await write('clip', batch, parents);
    // Only after the batch's missing-in-db findings are marked repaired: a subject has one open finding per
    // engine, so an unlinked-clip finding written before would replace the open finding the write then closes.
    for (const p of done) {
      if (parents.has(p.asset.publicId)) continue;
      unlinked++;
      await context.findings.add({
        subject: subjectOf(p.asset.publicId),
        userEmail: p.asset.email,
        kind: FINDING_KINDS.unlinkedClip,
        reason: p.asset.parentPublicId
          ? `Clip "${p.asset.title}" was imported, but its parent video ${p.asset.parentPublicId} (by ${p.asset.parentRule}) has no row`
          : `Clip "${p.asset.title}" was imported without a parent: no parent_video context and its name does not follow <parent>--<name>`,
        proposedAction: 'none: set the clip’s video by hand, or import the parent video and repair again',
        details: { publicId: p.asset.publicId, parentPublicId: p.asset.parentPublicId, parentRule: p.asset.parentRule },
      });
    }
  }
  const refused = failed.count - invalid.length - unknownOwner;
  return {
    chosen,
    inserted,
    alreadyPresent: planned.length - refused - inserted,
    skipped,
    unknownOwner,
    invalid: invalid.length,
    refused,
    unlinkedClips: unlinked,
    insertMs: Math.round(insertMs * 10) / 10,
    ...failed.fields(),
  };
}

/** Clip public id → parent video row id, by context parent id or the naming rule (README.md). */
async function resolveParents(db: MediaDb, clips: readonly Planned[]): Promise<Map<string, string>> {
  const candidates = new Map(clips.map((c) => [c.asset.publicId, c.asset.parentPublicId ? parentCandidates(c.asset.parentPublicId, baseOf(c.asset), c.asset.email) : []]));
  const rows = await db.rowsByPublicId('video', [...candidates.values()].flat());
  const linked = new Map<string, string>();
  for (const clip of clips) {
    const row = (candidates.get(clip.asset.publicId) ?? []).map((id) => rows.get(id)).find((r) => r !== undefined);
    // A parent owned by someone else is not this clip's parent: never link across users.
    if (row && row.userId === clip.userId) linked.set(clip.asset.publicId, row.id);
  }
  return linked;
}

/** `<base>/<email>/clips` → `<base>`. */
const baseOf = (asset: MediaAsset) => asset.folder.slice(0, Math.max(0, asset.folder.length - `/${asset.email}/clips`.length));
