import { describe, expect, it, vi } from 'vitest';

const shown = vi.hoisted(() => [] as unknown[]);
vi.mock('@mantine/notifications', () => ({ notifications: { show: (n: unknown) => shown.push(n) } }));

const { createQueryClient } = await import('../../../renderer/src/lib/query-client');

describe('attack: a person label that cannot be looked up raises no toast', () => {
  it('a query marked errorToast: false fails silently; others still toast', async () => {
    const client = createQueryClient();
    const fail = () => Promise.reject(new Error('There is no product database.'));
    await client.fetchQuery({ queryKey: ['users.lookup', 'person', 'u-ada'], queryFn: fail, retry: false, meta: { errorToast: false } }).catch(() => undefined);
    expect(shown).toEqual([]);
    await client.fetchQuery({ queryKey: ['runs.list', {}], queryFn: fail, retry: false }).catch(() => undefined);
    expect(shown).toHaveLength(1);
    client.clear();
  });
});
