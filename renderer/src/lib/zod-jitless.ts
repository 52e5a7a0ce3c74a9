import { z } from 'zod';

/**
 * The renderer's CSP has no 'unsafe-eval'. Zod 4 compiles object parsers with
 * `new Function` when it may, and even its probe for that is reported as a
 * `securitypolicyviolation`; jitless parsing never tries (same results, a
 * little slower, which a form does not notice). Imported first by main.tsx,
 * before anything parses.
 */
z.config({ jitless: true });
