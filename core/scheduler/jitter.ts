import { createHash } from 'node:crypto';

/**
 * A stable fraction in [0, 1) for a key: the same user always lands on the
 * same offset inside an interval (so its syncs stay evenly spaced across
 * restarts), and different users spread uniformly (so 1,000 users on 30
 * minutes do not start in the same second).
 */
export function stableFraction(key: string): number {
  const digest = createHash('sha1').update(key).digest();
  return digest.readUInt32BE(0) / 2 ** 32;
}
