import type { CloudinaryConnector } from '../../connectors/cloudinary/cloudinary.connector';
import { CLOUDINARY_MAX_RESULTS } from '../../connectors/cloudinary/cloudinary-types';
import { isConnectorError } from '../../connectors/shared/connector-error';
import { TimeSlicer } from '../../base/cooperative';
import type { EngineContext, EngineControls } from '../engine';
import { BudgetGuard, toStoredBudget } from './media-budget';
import { MediaComparison } from './media-compare';
import { chunks, type MediaDb } from './media-db';
import { scanExpression } from './media-folders';
import type { MediaImportParams } from './media-params';
import { mergeSummary, readResume, readSummary, resumeKey } from './media-state';
import { scanFolders, type ScanOutcome } from './media-scan';

export interface CheckEnv {
  connector: CloudinaryConnector;
  db: MediaDb;
  base: string;
  /** Counts the connector's requests (its onRequest also feeds the run's API-call counter). */
  guard: BudgetGuard;
}

/**
 * Check: list the folders (resuming a listing a spent budget cut short),
 * compare each page with the database, and only when the listing is
 * complete sweep the rows for missing assets and write the findings.
 */
export async function runCheck(params: MediaImportParams, scope: string, context: EngineContext, controls: EngineControls, env: CheckEnv) {
  const { resources, clock } = context;
  const { signal, progress } = controls;
  // One user's folders under every spelling of the email this run can know (media-folders.ts says why).
  const owner = params.user ? await env.db.user(params.user) : null;
  const spellings = params.user ? await knownSpellings(params.user, owner?.email, context) : undefined;
  const expression = scanExpression(env.base, spellings);
  const saved = await readResume(resources.state, scope);
  let resume = saved?.expression === expression ? saved : undefined;
  const thumbnail = (asset: { publicId: string; version: number }) => env.connector.videoThumbnailUrl(asset.publicId, { version: asset.version });
  let comparison = new MediaComparison(env.db, env.base, thumbnail);

  progress.phase('scan', { message: resume ? `Resuming the listing saved at ${resume.savedAt}` : `Listing ${expression}` });
  if (resume) {
    // The pages read before the stop are compared again, now: the database may have changed since
    // (rows imported, users added), and findings from then would be stale (issue 14, item 6).
    for (const page of chunks(resume.scan.listed, CLOUDINARY_MAX_RESULTS)) await comparison.addPage(page, signal);
  }
  progress.update({ done: comparison.result.assets });
  const scan = (cursor: string | undefined) =>
    scanFolders({
      connector: env.connector,
      expression,
      cursor,
      guard: env.guard,
      signal,
      onPage: async (page) => {
        const budget = page.rateLimit ?? env.connector.rateLimit();
        if (budget) await resources.state.set('budget', toStoredBudget(budget, clock.now()));
        await comparison.addPage(page.assets, signal);
        progress.update({ total: Math.max(page.totalCount, comparison.result.assets), done: comparison.result.assets });
        progress.count('pages');
      },
    });
  let outcome: ScanOutcome;
  try {
    outcome = await scan(resume?.cursor);
  } catch (error) {
    // A saved cursor Cloudinary no longer accepts: start the listing over rather than fail every later run.
    if (!resume || !isConnectorError(error, 'invalid-request')) throw error;
    context.log.warn({ err: error }, 'the saved cursor was refused; listing from the start');
    await resources.state.delete(resumeKey(scope));
    resume = undefined;
    comparison = new MediaComparison(env.db, env.base, thumbnail);
    outcome = await scan(undefined);
  }
  const known = env.connector.rateLimit();
  if (known) await resources.state.set('budget', toStoredBudget(known, clock.now()));
  const budget = { calls: env.guard.calls, allowance: env.guard.allowance ?? null, remaining: known?.remaining ?? null };

  if (!outcome.complete) {
    await resources.state.set(resumeKey(scope), {
      expression,
      ...(outcome.cursor ? { cursor: outcome.cursor } : {}),
      savedAt: clock.now().toISOString(),
      pages: (resume?.pages ?? 0) + outcome.pages,
      scan: comparison.toState(),
    });
    const why = outcome.reason === 'budget' ? `its share (${params.budgetShare}) of the API budget was spent` : 'Cloudinary refused with its rate limit';
    progress.update({ message: `Stopped: ${why}; the next check resumes here` });
    return { complete: false as const, stoppedBy: outcome.reason, resumed: resume !== undefined, assetsListed: comparison.result.assets, budget };
  }

  progress.phase('compare', { message: 'Looking for rows whose asset is gone' });
  const slicer = new TimeSlicer();
  // One user's scope: only that user's rows can be judged (an unknown user has none).
  if (!params.user || owner) await comparison.sweepRows(owner ? { userId: owner.id, email: owner.email } : undefined, slicer, signal);
  const { findings, users, assets, ignored } = comparison.result;
  progress.update({ total: findings.length });
  const byKind: Record<string, number> = {};
  for (const finding of findings) {
    await context.findings.add(finding);
    byKind[finding.kind] = (byKind[finding.kind] ?? 0) + 1;
    progress.advance();
    await slicer.maybeYield(signal);
  }
  await resources.state.set('summary', mergeSummary(await readSummary(resources.state), users, params.user, clock.now()));
  await resources.state.delete(resumeKey(scope));
  return { complete: true as const, resumed: resume !== undefined, assets, ignored, users: users.size, byKind, budget };
}

/**
 * The folder spellings of one user's email this run can know: as given, in
 * lower case, as the users row spells it, and every spelling an earlier
 * listing saw (the summary of complete listings, the open findings about
 * that email). A one-user check supersedes the open findings about its
 * email, so it must list every folder those findings came from.
 */
async function knownSpellings(user: string, rowEmail: string | undefined, context: EngineContext): Promise<string[]> {
  const folded = user.toLowerCase();
  const spellings = new Set([user, folded, ...(rowEmail ? [rowEmail] : [])]);
  for (const email of Object.keys((await readSummary(context.resources.state))?.users ?? {})) if (email.toLowerCase() === folded) spellings.add(email);
  for await (const page of context.resources.findingsForRepairPages({ user })) {
    for (const finding of page) if (finding.userEmail && finding.userEmail.toLowerCase() === folded) spellings.add(finding.userEmail);
  }
  // Sorted: the expression is the resume point's key, so the same spellings must give the same text.
  return [...spellings].sort();
}
