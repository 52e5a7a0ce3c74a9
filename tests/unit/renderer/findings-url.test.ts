import { describe, expect, it } from 'vitest';
import { clearFindingsUrl, readFindingsUrl, writeFindingsUrl } from '../../../renderer/src/lib/findings-url';

describe('findings URL filters', () => {
  it('defaults to open findings when the URL says nothing or something unknown', () => {
    expect(readFindingsUrl('')).toEqual({ status: 'open', engine: null });
    expect(readFindingsUrl('?status=bogus')).toEqual({ status: 'open', engine: null });
  });

  it('keeps "any status" apart from the default', () => {
    expect(readFindingsUrl('?status=any')).toEqual({ status: null, engine: null });
    expect(writeFindingsUrl('', { status: null, engine: null })).toBe('status=any');
  });

  it('round-trips a status and an engine, keeping other parameters', () => {
    const search = writeFindingsUrl('?x=1', { status: 'quarantined', engine: 'storage-orphans' });
    expect(search).toBe('x=1&status=quarantined&engine=storage-orphans');
    expect(readFindingsUrl(search)).toEqual({ status: 'quarantined', engine: 'storage-orphans' });
    expect(clearFindingsUrl(search)).toBe('x=1');
  });
});
