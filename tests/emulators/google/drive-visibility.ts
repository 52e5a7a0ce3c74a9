import type { EmulatorRequest, EmulatorResponse } from '../shared/emulator';
import { googleError } from './envelopes';
import type { DriveFile } from './google-state';

/**
 * Shared drives as Drive models them (api-facts-2 §11): a file with a
 * `driveId` is invisible to a request that does not declare shared-drive
 * support — files.get answers the same 404 notFound as for a missing file,
 * files.list and changes.list leave it out.
 * - files.get: needs `supportsAllDrives=true`.
 * - changes.list: needs `supportsAllDrives=true` and `includeItemsFromAllDrives=true`.
 * - files.list: needs both, and a corpus that holds shared drives:
 *   `corpora=allDrives`, or `corpora=drive` with that `driveId`. The default
 *   corpus `user` leaves out shared-drive files the user did not create or open
 *   (Drive reference, "corpora"); the emulator treats every shared-drive file
 *   as such, the stricter reading.
 * `corpora=drive|allDrives` or `driveId` without includeItemsFromAllDrives is
 * refused with 403, as Drive does (status per 3rd-party reports; reason unconfirmed).
 */
const flag = (request: EmulatorRequest, name: string) => request.query.get(name) === 'true';

export function visibleToGet(request: EmulatorRequest, file: DriveFile): boolean {
  return file.driveId === undefined || flag(request, 'supportsAllDrives');
}

/** `driveId`: the shared drive the file was in when the change happened (a removal included). */
export function visibleToChanges(request: EmulatorRequest, driveId: string | undefined): boolean {
  return driveId === undefined || (flag(request, 'supportsAllDrives') && flag(request, 'includeItemsFromAllDrives'));
}

/** A refusal of the list parameters, or the filter that decides which files a listing may show. */
export function listVisibility(request: EmulatorRequest): EmulatorResponse | ((file: DriveFile) => boolean) {
  const corpora = request.query.get('corpora') ?? 'user';
  const driveId = request.query.get('driveId');
  const wantsDrives = corpora.split(',').some((c) => c === 'drive' || c === 'allDrives') || driveId !== null;
  if (wantsDrives && !flag(request, 'includeItemsFromAllDrives')) {
    return googleError(
      403,
      'The includeItemsFromAllDrives parameter must be set to true when driveId is specified or corpora contains drive or allDrives.',
      { reason: 'invalidParameter', location: 'includeItemsFromAllDrives', locationType: 'parameter' },
    );
  }
  const declared = flag(request, 'supportsAllDrives') && flag(request, 'includeItemsFromAllDrives');
  return (file) => {
    if (file.driveId === undefined) return corpora !== 'drive';
    if (!declared) return false;
    if (corpora === 'drive') return file.driveId === driveId;
    return corpora.split(',').includes('allDrives');
  };
}
