import { createHash } from 'node:crypto';
import { setTimeout as sleep } from 'node:timers/promises';
import { z } from 'zod';
import { TimeSlicer } from '../../base/cooperative';
import type { Engine } from '../engine';
import { Count, engineResult } from '../engine-result';
import { formatCount } from '../../base/format-count';

/**
 * A demonstration engine, off by default: it walks N synthetic items through
 * three weighted phases, so the run pipeline (progress, throttling, findings,
 * cancel, crash recovery, event-loop health) is proven without any outside
 * service. Why it ships instead of living under tests/: the shipped CLI's
 * `--with-demo-engine` (and browser mode's empty-console hint) offer it, and
 * tests, benchmarks and the CLI tests start the real host with it. It is
 * registered only when asked for (createEngineRegistry({ withDemoEngine })),
 * touches nothing outside the console's own store, and never materialises all
 * items: memory stays flat at any N.
 */
const DemoParams = z.strictObject({
  /** The demonstration only checks; there is nothing to repair. */
  mode: z.literal('check').default('check'),
  items: z.number().int().min(0).max(50_000_000).default(10_000),
  /** Items per simulated API page; counted as one "demo" API call each. */
  pageSize: z.number().int().min(1).max(100_000).default(1000),
  /** Pause after each page, so a person can watch the bar move. */
  delayMsPerPage: z.number().int().min(0).max(10_000).default(0),
  /** Every Nth item is reported as drifted (0: none). */
  findingEvery: z.number().int().min(0).default(1000),
  /** Fail on this item, to exercise the failure path. */
  failAt: z.number().int().min(0).optional(),
  /** Report this many items as failed (the run ends `partial`), to exercise honest outcomes. */
  failItems: z.number().int().min(0).default(0),
  /** Runs with different scopes may run side by side. */
  scope: z.string().min(1).max(100).default('all'),
});
export type DemoParams = z.infer<typeof DemoParams>;

/** What a demonstration check walked: `checksum` proves the work was done (the same items give the same sum). */
const DemoCheckResult = engineResult({ items: Count, drifted: Count, checksum: Count });

export const demoEngine: Engine<DemoParams> = {
  id: 'demo',
  title: 'Demonstration',
  description: 'Walks synthetic items through scan, diff and record phases (tests and benchmarks only).',
  phases: [
    { id: 'scan', label: 'Scanning', weight: 50 },
    { id: 'diff', label: 'Comparing', weight: 30 },
    { id: 'record', label: 'Recording findings', weight: 20 },
  ],
  params: DemoParams,
  scopeOf: (params) => params.scope,
  modes: { check: { result: DemoCheckResult, description: 'Walk the synthetic items and record the drifted ones.' } },

  async run(params, context, { signal, progress }) {
    const slicer = new TimeSlicer();
    let checksum = 0;

    progress.phase('scan', { total: params.items, message: `Scanning ${formatCount(params.items)} items` });
    for (let start = 0; start < params.items; start += params.pageSize) {
      const end = Math.min(params.items, start + params.pageSize);
      context.apiCalls.record('demo');
      for (let i = start; i < end; i++) {
        if (params.failAt !== undefined && i === params.failAt) throw new Error(`Demo failure at item ${i}`);
        checksum = (checksum + itemHash(i)) >>> 0;
        await slicer.maybeYield(signal);
      }
      progress.advance(end - start);
      if (params.delayMsPerPage > 0) await sleep(params.delayMsPerPage, undefined, { signal });
    }

    progress.phase('diff', { total: params.items });
    let drifted = 0;
    for (let i = 0; i < params.items; i++) {
      if (isDrifted(i, params.findingEvery)) drifted++;
      if (i % 1024 === 0) {
        progress.update({ done: i });
        await slicer.maybeYield(signal);
      }
    }
    progress.update({ done: params.items });

    progress.phase('record', { total: drifted });
    for (let i = 0; i < params.items; i++) {
      if (!isDrifted(i, params.findingEvery)) {
        if (i % 4096 === 0) await slicer.maybeYield(signal);
        continue;
      }
      await context.findings.add({
        subject: `item:${i}`,
        kind: 'demo-drift',
        reason: `Item ${i} differs from its source`,
        proposedAction: 'none (demonstration)',
        details: { hash: itemHash(i) },
      });
      await context.items.log({ item: `item ${i}`, action: 'record', outcome: 'done', message: `Item ${i} differs from its source` });
      progress.advance();
      progress.count('findings');
      await slicer.maybeYield(signal);
    }
    return { items: params.items, drifted, checksum, ...(params.failItems > 0 ? { itemsFailed: params.failItems } : {}) };
  },

  // renderer metadata: the Start form asks for the item count, so a newcomer can size a run
  ui: {
    startParams: [{ key: 'items', label: 'Items', defaultValue: 2000, min: 0, max: 50_000_000, step: 1000 }],
    resultSummary: [
      { key: 'items', text: '{n} items', always: true },
      { key: 'drifted', text: '{n} drifted', always: true },
    ],
    findingKinds: { 'demo-drift': 'Drifted item' },
  },
};

function isDrifted(i: number, every: number): boolean {
  return every > 0 && i % every === every - 1;
}

/** A content hash per item: real CPU work of the size a diff of one record costs. */
function itemHash(i: number): number {
  return createHash('sha1').update(`item-${i}`).digest().readUInt32BE(0);
}
