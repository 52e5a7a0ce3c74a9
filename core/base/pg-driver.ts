import type pg from 'pg';
import { lazyModule } from './lazy-module';

/** The pg driver, required on first use (lazy-module.ts): only PostgreSQL product databases and team mode need it. */
export const loadPg = lazyModule<typeof pg>('pg');
