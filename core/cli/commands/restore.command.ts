import { Command } from 'commander';
import type { StorageRestoreResult } from '../../api/storage';
import { callApi, withCliApp, type GlobalOptions } from '../context';
import { positiveInt } from '../parse';
import { unwrap } from '../unwrap';

/**
 * `syncwarden restore <finding-id>`: undoes a storage-orphans quarantine,
 * through the same contract method as the console's Restore button
 * (idempotent; a finding that is not quarantined is refused with a reason).
 */
export function restoreCommand(globals: () => GlobalOptions): Command {
  return new Command('restore')
    .description('Move a quarantined file row (storage-orphans finding) back into the product’s files table')
    .argument('<finding-id>', 'the finding of the quarantined row (see `findings` in the console or a repair’s output)', positiveInt)
    .action(async (findingId: number) => {
      await withCliApp(globals(), async (app, out) => {
        const result = unwrap(await callApi(app, 'storage.restore', { findingId })) as StorageRestoreResult;
        out.print(result, () => `finding ${result.findingId}: ${result.status}${result.restored ? '' : ' (nothing changed)'}\n  ${result.message}`);
      });
    });
}
