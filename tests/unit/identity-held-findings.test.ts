import { describe, expect, it } from 'vitest';
import { IdentitySpill } from '../../core/engines/identity/identity-spill';
import type { NewFinding } from '../../core/store/findings.repo';
import { Prng } from '../helpers/prng';

const finding = (subject: string, mark: number): NewFinding => ({
  subject,
  userEmail: null,
  kind: 'local-only',
  reason: `mark ${mark}`,
  proposedAction: 'none',
  details: { mark },
});

/**
 * A full identity check holds its findings in the scratch file until its table is published, then hands them to
 * the store in subject order (the store's subject indexes then take them page after page, not all over: issue 19).
 * What must not change with the order: every held finding reaches the store exactly once, and of two findings with
 * one subject the later held reaches it later (the store keeps one open finding per subject: the last word wins).
 */
describe('findings held by an identity check', () => {
  it('come back each once, in byte order of subject, one subject in the order held, across windows (150 random worlds)', async () => {
    const alphabet = ['a', 'A', 'b', 'é', 'Z', '#', '0', ':', 'ß', '😀', ' '];
    for (let seed = 1; seed <= 150; seed++) {
      const prng = new Prng(seed);
      const spill = new IdentitySpill();
      try {
        const held: NewFinding[] = [];
        for (let b = prng.int(0, 6); b > 0; b--) {
          const batch = Array.from({ length: prng.int(0, 40) }, (_, i) =>
            finding(`user:${Array.from({ length: prng.int(0, 3) }, () => prng.pick(alphabet)).join('')}`, held.length + i),
          );
          spill.holdFindings(batch);
          held.push(...batch);
        }
        const window = prng.int(1, 7);
        const windows = [...spill.heldFindings(window)];
        for (const w of windows) expect(w.length, `seed ${seed}`).toBeLessThanOrEqual(window);
        const mark = (f: NewFinding) => (f.details as { mark: number }).mark;
        const byteOrder = (a: NewFinding, b: NewFinding) => Buffer.compare(Buffer.from(a.subject), Buffer.from(b.subject)) || mark(a) - mark(b);
        expect(windows.flat(), `seed ${seed}`).toEqual([...held].sort(byteOrder));
      } finally {
        // Awaited: the file's process may end right after, and a close cut short leaves its directory behind.
        await spill.close();
      }
    }
  });

  it('a check that found nothing hands nothing on', async () => {
    const spill = new IdentitySpill();
    try {
      spill.holdFindings([]);
      expect([...spill.heldFindings()]).toEqual([]);
    } finally {
      await spill.close();
    }
  });
});
