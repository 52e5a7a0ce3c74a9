import type { Finding } from '../../api/models';
import { TimeSlicer } from '../../base/cooperative';
import { inPool } from '../../base/pool';
import { PROBE_BATCH } from './account-probe';
import type { FullListing, ProbeAnswer, ProviderRemote } from './remote-view';
import { isConnectorError } from '../../connectors/shared/connector-error';
import type { StorageClients } from './storage-clients';
import type { StorageDb } from './storage-db';
import { isStorageProvider, PROVIDER_LABEL, type FileRow, type StorageAccount } from './storage-model';

/** Past this many files of one account, one complete listing answers for them all (a check's probe-or-list choice, bounded). */
const MAX_PROBES = 64;

export interface Confirmation {
  /** Findings whose file the service said, just now, is gone or in the trash: these may be quarantined. */
  confirmed: Finding[];
  /** Findings whose file is there again: superseded, their rows left as they are. */
  alive: Finding[];
  /** Findings the service could not answer about now: left open, each a failed item of the run saying why. */
  failed: { finding: Finding; reason: string }[];
}

/**
 * A person's repair asks the service again, just before the move, about each chosen finding's file (DESIGN §4.1:
 * only the service's own answer proves a file gone, and a finding is an earlier answer). A finding can be hours old,
 * or written by a run that read the account before the file came back (a restore from the trash, a re-share): a
 * repair acting on it would quarantine a live row (s26g). Only `gone` or `trashed` now lets the row move; `found`
 * supersedes the finding; anything else (429, 5xx, timeouts, foreign answers, a refused grant) leaves the finding
 * open as a failed item. An automatic repair acts only on findings its own run concluded moments before, and does
 * not ask twice.
 */
export async function confirmWithService(findings: readonly Finding[], product: StorageDb, clients: StorageClients, signal: AbortSignal): Promise<Confirmation> {
  const out: Confirmation = { confirmed: [], alive: [], failed: [] };
  const byAccount = new Map<string, { userId: string; provider: FileRow['provider']; findings: Finding[] }>();
  for (const f of findings) {
    const userId = typeof f.details?.userId === 'string' ? f.details.userId : undefined;
    const provider = f.details?.provider;
    // A finding that names no account is left to repairFindings, which refuses it with its own reason.
    if (!userId || !isStorageProvider(provider)) {
      out.confirmed.push(f);
      continue;
    }
    const key = `${userId}\u0000${provider}`;
    const group = byAccount.get(key) ?? { userId, provider, findings: [] };
    group.findings.push(f);
    byAccount.set(key, group);
  }
  if (byAccount.size === 0) return out;
  const accounts = new Map<string, StorageAccount>((await product.accounts()).map((a) => [`${a.userId}\u0000${a.provider}`, a]));
  const slicer = new TimeSlicer();
  for (const [key, group] of byAccount) {
    signal.throwIfAborted();
    const label = PROVIDER_LABEL[group.provider];
    const account = accounts.get(key);
    const decided = new Set<number>();
    // Every finding of the account not decided yet: a fault of the grant or the connection ends the account's probes.
    const failAll = (why: string) => {
      for (const f of group.findings) if (!decided.has(f.id)) out.failed.push({ finding: f, reason: why });
    };
    if (!account) {
      failAll(`${label}: the user has no ${label} account any more, so the file could not be asked about again; nothing was quarantined.`);
      continue;
    }
    await confirmAccount(account, group.findings, clients, signal, out, decided).catch((error: unknown) => {
      if (signal.aborted) throw error;
      failAll(`${label} could not be asked again whether the file is gone (${error instanceof Error ? error.message : String(error)}); nothing was quarantined.`);
    });
    await slicer.maybeYield(signal);
  }
  return out;
}

/**
 * One account's files, asked about again: probed one by one, or (past MAX_PROBES) read from one complete listing,
 * which costs a call per page instead of a call per file. A file absent from a complete listing is gone, as in a
 * check's full pass; a row the listing cannot speak for (a Dropbox row kept by path) is probed.
 */
async function confirmAccount(account: StorageAccount, findings: readonly Finding[], clients: StorageClients, signal: AbortSignal, out: Confirmation, decided: Set<number>): Promise<void> {
  const remote = await clients.remoteFor(account);
  const label = PROVIDER_LABEL[account.provider];
  const decide = (f: Finding, answer: ProbeAnswer) => {
    decided.add(f.id);
    if (answer.state === 'unknown') out.failed.push({ finding: f, reason: `${label} did not answer whether the file is gone (${answer.reason}); nothing was quarantined. Repair again later.` });
    else if (answer.state === 'found') out.alive.push(f);
    else out.confirmed.push(f);
  };
  let toProbe: readonly Finding[] = findings;
  const listing = findings.length > MAX_PROBES ? await listOrNothing(remote, signal) : undefined;
  if (listing) {
    const covered = (pid: string) => listing.coveredPrefix === undefined || pid.startsWith(listing.coveredPrefix);
    toProbe = findings.filter((f) => !covered(pidOf(f)));
    for (const f of findings) {
      const pid = pidOf(f);
      if (!covered(pid)) continue;
      decide(f, { state: listing.trashed.has(pid) ? 'trashed' : listing.present.has(pid) ? 'found' : 'gone' });
    }
  }
  const answers = await inPool(toProbe, PROBE_BATCH, async (f) => ({ f, answer: await remote.probe(rowOf(f, account), signal) }));
  for (const { f, answer } of answers) decide(f, answer);
}

/**
 * One complete listing, or undefined when the service says it cannot give one for this account (Drive's
 * incompleteSearch, on every run for some accounts): then each file is asked about instead, as a check does
 * (account-check.ts), rather than no file of the account ever being repairable (s26j).
 */
async function listOrNothing(remote: ProviderRemote, signal: AbortSignal): Promise<FullListing | undefined> {
  try {
    return await remote.list(false, signal);
  } catch (error) {
    if (isConnectorError(error) && error.reason === 'incompleteSearch') return undefined;
    throw error;
  }
}

const pidOf = (f: Finding) => String(f.details?.providerFileId ?? '');

function rowOf(f: Finding, account: StorageAccount): FileRow {
  const d = f.details ?? {};
  return {
    id: String(d.fileRowId ?? ''),
    userId: account.userId,
    provider: account.provider,
    providerFileId: pidOf(f),
    name: typeof d.fileName === 'string' ? d.fileName : null,
    size: typeof d.size === 'number' ? d.size : null,
  };
}
