import type { CloudinaryAsset } from '../../connectors/cloudinary/cloudinary-types';
import { TimeSlicer } from '../../runs/cooperative';
import type { NewFinding } from '../../store/findings.repo';
import { differences, toMediaAsset } from './media-asset';
import type { MediaDb } from './media-db';
import { parseMediaFolder } from './media-folders';
import { FINDING_KINDS, MEDIA_KINDS, subjectOf, type FolderCounts, type MediaKind } from './media-model';

/** Everything a listing has taught so far, JSON-safe so a budget stop can save it and the next run resume. */
export interface ScanState {
  seen: string[];
  findings: NewFinding[];
  users: Record<string, FolderCounts>;
  assets: number;
  ignored: number;
}

export const emptyScanState = (): ScanState => ({ seen: [], findings: [], users: {}, assets: 0, ignored: 0 });

/**
 * Compares each listed page with the database as it arrives, but only
 * collects findings: they are written when the listing is complete, so a
 * listing cut short by a 5xx never yields a finding (DESIGN §4.1).
 */
export class MediaComparison {
  private readonly seen: Set<string>;
  private readonly findings: NewFinding[];
  private readonly users: Map<string, FolderCounts>;
  private assets: number;
  private ignored: number;
  /** Per asset work (a thumbnail URL costs tens of microseconds) is sliced so a page of 500 never holds the host. */
  private readonly slicer = new TimeSlicer();

  constructor(
    private readonly db: MediaDb,
    private readonly base: string,
    private readonly thumbnail: (asset: CloudinaryAsset) => string,
    state: ScanState = emptyScanState(),
  ) {
    this.seen = new Set(state.seen);
    this.findings = [...state.findings];
    this.users = new Map(Object.entries(state.users));
    this.assets = state.assets;
    this.ignored = state.ignored;
  }

  async addPage(page: readonly CloudinaryAsset[], signal?: AbortSignal): Promise<void> {
    const placed = page.flatMap((asset) => {
      const owner = parseMediaFolder(asset.folderPath, this.base);
      if (!owner) this.ignored++;
      return owner ? [{ asset, owner }] : [];
    });
    const rows = new Map(await Promise.all(MEDIA_KINDS.map(async (kind) => [kind, await this.db.rowsByPublicId(kind, placed.filter((p) => p.owner.kind === kind).map((p) => p.asset.publicId))] as const)));
    const owners = await this.db.usersByEmail(placed.map((p) => p.owner.email));
    for (const { asset, owner } of placed) {
      await this.slicer.maybeYield(signal);
      this.assets++;
      this.seen.add(asset.publicId);
      const counts = this.users.get(owner.email) ?? { videos: 0, clips: 0 };
      counts[owner.kind === 'video' ? 'videos' : 'clips']++;
      this.users.set(owner.email, counts);
      const row = rows.get(owner.kind)?.get(asset.publicId);
      if (row) {
        const diffs = differences(row, asset);
        if (diffs.length) this.findings.push(mismatch(owner, asset.publicId, row.id, diffs));
        continue;
      }
      const media = toMediaAsset(asset, owner, this.thumbnail(asset));
      if (owners.get(owner.email) === null) {
        this.findings.push({
          subject: subjectOf(asset.publicId),
          userEmail: owner.email,
          kind: FINDING_KINDS.unknownOwner,
          reason: `${owner.kind === 'video' ? 'Video' : 'Clip'} "${media.title}" is in ${asset.folderPath}, but no user has the email ${owner.email}`,
          proposedAction: 'none: add the user (or move the asset), then check again',
          details: { asset: media },
        });
        continue;
      }
      const parent = media.parentPublicId ? ` (parent video ${media.parentPublicId}, by ${media.parentRule === 'context' ? 'context' : 'naming rule'})` : '';
      this.findings.push({
        subject: subjectOf(asset.publicId),
        userEmail: owner.email,
        kind: FINDING_KINDS.missingInDb,
        reason: `${owner.kind === 'video' ? 'Video' : 'Clip'} "${media.title}" is in Cloudinary but has no row${parent}`,
        proposedAction: `insert a ${owner.kind === 'video' ? 'videos' : 'clips'} row`,
        details: { asset: media },
      });
    }
  }

  /**
   * After a complete listing: rows whose asset was not listed. Reported only;
   * a missing asset is never a reason to delete a row automatically.
   */
  async sweepRows(scope: { userId: string; email: string } | undefined, slicer: TimeSlicer, signal: AbortSignal): Promise<void> {
    for (const kind of MEDIA_KINDS) {
      for await (const rows of this.db.streamRows(kind, scope?.userId)) {
        const gone = rows.filter((r) => !this.seen.has(r.publicId));
        const emails = scope ? new Map([[scope.userId, scope.email]]) : await this.db.emailsById(gone.map((r) => r.userId));
        for (const row of gone) this.findings.push(missingInCloudinary(kind, row, emails.get(row.userId) ?? null));
        await slicer.maybeYield(signal);
      }
    }
  }

  toState(): ScanState {
    return { seen: [...this.seen], findings: this.findings, users: Object.fromEntries(this.users), assets: this.assets, ignored: this.ignored };
  }

  get result() {
    return { assets: this.assets, ignored: this.ignored, findings: this.findings, users: this.users };
  }
}

function mismatch(owner: { email: string; kind: MediaKind }, publicId: string, rowId: string, diffs: ReturnType<typeof differences>): NewFinding {
  return {
    subject: subjectOf(publicId),
    userEmail: owner.email,
    kind: FINDING_KINDS.mismatch,
    reason: `The ${owner.kind} row ${rowId} and its asset disagree on ${diffs.map((d) => d.field).join(', ')}`,
    proposedAction: 'none: review the row (Cloudinary holds the asset as listed)',
    details: { publicId, rowId, mediaKind: owner.kind, differences: diffs },
  };
}

function missingInCloudinary(kind: MediaKind, row: { id: string; publicId: string }, email: string | null): NewFinding {
  return {
    subject: subjectOf(row.publicId),
    userEmail: email,
    kind: FINDING_KINDS.missingInCloudinary,
    reason: `The ${kind} row ${row.id} points at ${row.publicId}, which is not in Cloudinary`,
    proposedAction: 'none: reported only, rows are never deleted automatically',
    details: { publicId: row.publicId, rowId: row.id, mediaKind: kind },
  };
}
