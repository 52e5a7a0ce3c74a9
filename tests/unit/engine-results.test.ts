import { describe, expect, expectTypeOf, it } from 'vitest';
import type { z } from 'zod';
import { EngineResultBase, type EngineResult } from '../../core/engines/engine-result';
import { FailedItems, MAX_FAILED_ITEMS, type FailedItemsFields } from '../../core/engines/failed-items';
import { mailImportModes } from '../../core/engines/mail-import/mail-results';
import { runCheck } from '../../core/engines/media-import/media-check';
import { runRepair } from '../../core/engines/media-import/media-repair';
import { mediaImportModes } from '../../core/engines/media-import/media-results';
import { summarise } from '../../core/engines/mail-import/mail-report';
import type { UserReport } from '../../core/engines/mail-import/mail-model';
import { Prng } from '../helpers/prng';

describe('engine result schemas', () => {
  it('the fields failed-items.ts produces are the base’s, at compile time and for any count', () => {
    expectTypeOf<FailedItemsFields>().toExtend<Pick<EngineResult, 'itemsFailed' | 'failedItems' | 'failedItemsTruncated'>>();
    const prng = new Prng(1717);
    for (let i = 0; i < 200; i++) {
      const failed = new FailedItems();
      const n = prng.pick([0, 1, 2, MAX_FAILED_ITEMS - 1, MAX_FAILED_ITEMS, MAX_FAILED_ITEMS + 1, prng.int(0, 400)]);
      for (let k = 0; k < n; k++) failed.add(`item-${k}`, 'refused');
      if (prng.chance(0.3)) {
        const other = new FailedItems();
        for (let k = 0; k < prng.int(0, 80); k++) other.add(`other-${k}`, 'gone');
        failed.absorb(other);
      }
      const fields = failed.fields();
      expect(EngineResultBase.safeParse(fields).success, `seed 1717, iteration ${i}, ${failed.count} failed`).toBe(true);
      expect(fields.itemsFailed).toBe(failed.count);
    }
  });

  it('what mail-import’s summarise returns has the type of its result schema and passes it', () => {
    const report = (over: Partial<UserReport>): UserReport => ({ userId: 'u1', email: 'ada@example.com', outcome: 'imported', pass: 'full', imported: 3, skipped: 0, gone: 0, ...over });
    const reports = [report({}), report({ userId: 'u2', outcome: 'needs-reconnect', pass: null, imported: 0, message: 'refused' }), report({ userId: 'u3', email: null, outcome: 'failed', pass: 'history', message: 'quota' })];
    // Compile time: summarise's declared type fits the schema (a field renamed on one side fails the typecheck).
    const result: z.input<typeof mailImportModes.import.result> = summarise(reports, new Set(['u2']));
    expect(mailImportModes.import.result.safeParse(result).success).toBe(true);
    expect(result.itemsFailed).toBe(1);
  });
});

/** true when every value of A is a value the schema's input type B allows (checked by the compiler, below). */
type Fits<A, B> = [A] extends [B] ? true : false;

describe('engine functions return what their mode’s schema declares (compile time)', () => {
  it('media-import check and repair', () => {
    const check: Fits<Awaited<ReturnType<typeof runCheck>>, z.input<typeof mediaImportModes.check.result>> = true;
    const repair: Fits<Awaited<ReturnType<typeof runRepair>>, z.input<typeof mediaImportModes.repair.result>> = true;
    const mail: Fits<ReturnType<typeof summarise>, z.input<typeof mailImportModes.import.result>> = true;
    expect([check, repair, mail]).toEqual([true, true, true]);
  });
});
