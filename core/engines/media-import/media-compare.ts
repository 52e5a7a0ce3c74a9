import { TimeSlicer } from '../../base/cooperative';
import type { NewFinding } from '../../store/findings.repo';
import { differences, PARENT_CONTEXT_KEY, TITLE_KEYS, toMediaAsset } from './media-asset';
import type { MediaDb } from './media-db';
import { parseMediaFolder } from './media-folders';
import { FINDING_KINDS, MEDIA_KINDS, subjectOf, type FolderCounts, type ListedAsset, type MediaKind } from './media-model';

/** The assets a listing cut short by the budget had read, JSON-safe so the next run can resume. */
export interface ScanState {
  listed: ListedAsset[];
}

/** The context keys a comparison reads (a title, a clip's parent); the rest is not kept. */
const KEPT_CONTEXT = [...TITLE_KEYS, PARENT_CONTEXT_KEY];

function toListed(asset: ListedAsset): ListedAsset {
  const context: Record<string, string> = {};
  for (const key of KEPT_CONTEXT) if (asset.context[key] !== undefined) context[key] = asset.context[key];
  const { publicId, folderPath, filename, displayName, version, createdAt, bytes, duration, secureUrl } = asset;
  return { publicId, folderPath, filename, displayName, version, createdAt, bytes, duration, secureUrl, context };
}

/**
 * Compares each listed page with the database as it arrives, but only
 * collects findings: they are written when the listing is complete, so a
 * listing cut short by a 5xx never yields a finding (DESIGN §4.1).
 *
 * A budget stop saves the listed assets, never the findings: the resumed
 * check replays them through `addPage` against the database as it is then,
 * so a row inserted (or a user added) meanwhile is not reported missing.
 */
export class MediaComparison {
  private readonly seen = new Set<string>();
  private readonly listed: ListedAsset[] = [];
  private readonly findings: NewFinding[] = [];
  private readonly users = new Map<string, FolderCounts>();
  private assets = 0;
  private ignored = 0;
  /** Per asset work (a thumbnail URL costs tens of microseconds) is sliced so a page of 500 never holds the host. */
  private readonly slicer = new TimeSlicer();

  constructor(
    private readonly db: MediaDb,
    private readonly base: string,
    private readonly thumbnail: (asset: ListedAsset) => string,
  ) {}

  async addPage(listedPage: readonly ListedAsset[], signal?: AbortSignal): Promise<void> {
    // A listing whose offsets shifted may repeat an asset: it is compared once.
    const page = listedPage.filter((asset) => !this.seen.has(asset.publicId));
    const placed = page.flatMap((asset) => {
      this.seen.add(asset.publicId);
      this.listed.push(toListed(asset));
      const owner = parseMediaFolder(asset.folderPath, this.base);
      if (!owner) this.ignored++;
      return owner ? [{ asset, owner }] : [];
    });
    const rows = new Map(await Promise.all(MEDIA_KINDS.map(async (kind) => [kind, await this.db.rowsByPublicId(kind, placed.filter((p) => p.owner.kind === kind).map((p) => p.asset.publicId))] as const)));
    const owners = await this.db.usersByEmail(placed.map((p) => p.owner.email));
    for (const { asset, owner } of placed) {
      await this.slicer.maybeYield(signal);
      this.assets++;
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
          reason: this.db.ambiguous.has(owner.email)
            ? `${owner.kind === 'video' ? 'Video' : 'Clip'} "${media.title}" is in ${asset.folderPath}, but several users have the email ${owner.email} in other cases, so none is taken for its owner`
            : `${owner.kind === 'video' ? 'Video' : 'Clip'} "${media.title}" is in ${asset.folderPath}, but no user has the email ${owner.email}`,
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
    return { listed: this.listed };
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
    details: { publicId, name: nameOf(publicId), rowId, mediaKind: owner.kind, differences: diffs },
  };
}

function missingInCloudinary(kind: MediaKind, row: { id: string; publicId: string }, email: string | null): NewFinding {
  return {
    subject: subjectOf(row.publicId),
    userEmail: email,
    kind: FINDING_KINDS.missingInCloudinary,
    reason: `The ${kind} row ${row.id} points at ${row.publicId}, which is not in Cloudinary`,
    proposedAction: 'none: reported only, rows are never deleted automatically',
    details: { publicId: row.publicId, name: nameOf(row.publicId), rowId: row.id, mediaKind: kind },
  };
}

/** The asset's own name, the public id's last part ("bjarne@x/videos/talk-1" → "talk-1"): what the Findings list shows for it. */
const nameOf = (publicId: string): string => publicId.split('/').pop() || publicId;
