import { describe, expect, it } from 'vitest';
import { productDbAccess } from '../../core/connections/product-db-access';
import type { StoredConnection } from '../../core/store/connections.repo';

/**
 * Outside review (issue 17): the product-database service stopped parsing the
 * stored settings (it casts them), so a stored PostgreSQL config without
 * `sslMode` (the schema's default is `disable`) reached the adapter as
 * `undefined`, which the adapter reads as verify-full: a product database that
 * worked without TLS could no longer be opened by any engine.
 */
describe('attack: the product-database service and stored settings', () => {
  const stored = (config: Record<string, unknown>): StoredConnection => ({
    id: 1,
    kind: 'appdb',
    name: 'Product',
    config,
    secretFields: [],
    lastCheck: null,
    createdAt: '2026-01-01T00:00:00.000Z',
    updatedAt: '2026-01-01T00:00:00.000Z',
  });

  it('applies the settings schema defaults (sslMode disable) to a stored config that lacks them', async () => {
    const access = productDbAccess({ list: async () => [stored({ driver: 'postgres', url: 'postgres://localhost:1/product' })], settings: () => Promise.resolve({ config: {}, secrets: {} }) });
    const product = await access.openAppDb();
    try {
      expect(product.config).toMatchObject({ driver: 'postgres', sslMode: 'disable' });
    } finally {
      await product.db.close();
    }
  });

  it('still opens a config the schema would refuse, as given (tests and the demo save configs without the contract)', async () => {
    const access = productDbAccess({ list: async () => [stored({ driver: 'sqlite', path: ':memory:', extra: 1 })], settings: () => Promise.resolve({ config: {}, secrets: {} }) });
    await access.withAppDb(async ({ config }) => expect(config).toMatchObject({ driver: 'sqlite', path: ':memory:' }));
  });
});
