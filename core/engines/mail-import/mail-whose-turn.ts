import type { RunTrigger } from '../../api/models';
import type { MailUser } from './mail-model';

/**
 * Which users a run imports. A scheduled import (a console schedule of one
 * user or of everyone, or the product's own per-user schedule) imports only
 * users whose own mail_settings.enabled is on, read when the run starts: the
 * user's switch in the product wins over a console schedule, and a switch
 * turned off after the run was queued still counts. Those skipped are named
 * in the result (`disabled`, `disabledUsers`). An admin's own "Import now"
 * (manual, CLI) of one user imports whatever the switch says: the admin asked
 * for that user by name (docs/safety.md). A check writes nothing and is never
 * narrowed. Before this, a console schedule scoped to one user imported her
 * although her import was off (issue 18).
 */
export function whoseImportRuns(users: readonly MailUser[], mode: 'import' | 'check', trigger: RunTrigger): { users: MailUser[]; disabled: MailUser[] } {
  if (mode !== 'import' || trigger !== 'schedule') return { users: [...users], disabled: [] };
  return { users: users.filter((u) => u.importEnabled), disabled: users.filter((u) => !u.importEnabled) };
}
