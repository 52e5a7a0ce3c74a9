import { ConnectionFaultError } from '../../connectors/shared/fault';
import { inPool } from '../../base/pool';
import type { MailUser } from './mail-model';

/**
 * Users visited at once (an import's or a check's). With PER_USER_CONCURRENCY
 * this caps the requests in flight at 16: each answer costs the host just
 * under a millisecond of CPU (googleapis and gaxios, from a CPU profile of
 * the benchmark), so even when all of them land in one turn of the event loop
 * that turn holds about 16 ms of work. More in flight bought no throughput
 * against the emulator and lengthened the turns (benchmark, 8 users × 1,000 messages).
 */
const USER_CONCURRENCY = 2;

/**
 * Visits every user, USER_CONCURRENCY at a time, and returns their reports.
 * The connection's own credentials refused (ConnectionFaultError): every
 * further user would fail alike, so none is started, and the fault is thrown
 * once the users in flight are done; it fails the run with the
 * Connections-page message and no user was flagged (DESIGN §4.2).
 */
export async function eachUser<R>(users: readonly MailUser[], signal: AbortSignal, visit: (user: MailUser) => Promise<R>, onReport: (report: R) => void): Promise<R[]> {
  let connectionFault: ConnectionFaultError | undefined;
  const settled = await inPool(users, USER_CONCURRENCY, async (user) => {
    if (connectionFault) return null;
    const report = await visit(user).catch((error: unknown) => {
      if (!(error instanceof ConnectionFaultError)) throw error;
      connectionFault ??= error;
      return null;
    });
    if (report !== null) onReport(report);
    return report;
  });
  signal.throwIfAborted();
  if (connectionFault) throw connectionFault;
  return settled.filter((r): r is R => r !== null);
}
