/**
 * The storage-orphans benchmark's world, shared by the emulator child and
 * the benchmark: users u0000…, each with files on both providers; every
 * 100th row of an account points at a cloud file that is gone (1 % orphans).
 */
export const BENCH_GOOGLE_CLIENT = { clientId: 'bench.apps.googleusercontent.com', clientSecret: 'bench-google-secret' };
export const BENCH_DROPBOX_APP = { key: 'bench-dropbox-key', secret: 'bench-dropbox-secret' };

export const userId = (u: number) => `u${String(u).padStart(4, '0')}`;
/** Each file's cloud id; row n of an account is gone when n % 100 === 99. */
export const driveId = (u: number, n: number) => `g-${u}-${n}`;
export const dropboxId = (u: number, n: number) => `id:d-${u}-${n}`;
export const isGone = (n: number) => n % 100 === 99;
export const accessToken = (provider: 'google' | 'dropbox', u: number) => `${provider === 'google' ? 'ya29' : 'sl'}.bench-${u}`;
/** Every 10th user's two accounts hold an expired access token: the run must refresh it (and the floor counts that call). */
export const hasExpiredToken = (u: number) => u % 10 === 3;
export const staleToken = (provider: 'google' | 'dropbox', u: number) => `${accessToken(provider, u)}-expired`;
