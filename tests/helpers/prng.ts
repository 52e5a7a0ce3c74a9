/**
 * A seeded PRNG for property-style tests (mulberry32): the same seed gives the
 * same worlds and faults on every machine, so a failure names its seed and
 * iteration and can be replayed exactly.
 */
export class Prng {
  private state: number;

  constructor(readonly seed: number) {
    this.state = seed | 0;
  }

  /** A float in [0, 1). */
  next(): number {
    this.state = (this.state + 0x6d2b79f5) | 0;
    let t = this.state;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  }

  /** An integer in [min, max], both included. */
  int(min: number, max: number): number {
    return min + Math.floor(this.next() * (max - min + 1));
  }

  chance(probability: number): boolean {
    return this.next() < probability;
  }

  pick<T>(items: readonly T[]): T {
    if (items.length === 0) throw new Error('pick from an empty list');
    return items[Math.floor(this.next() * items.length)] as T;
  }

  /** A random subset, each item kept with `probability`. */
  subset<T>(items: readonly T[], probability: number): T[] {
    return items.filter(() => this.chance(probability));
  }

  /** The email with each letter's case flipped at random (the same address to a case-insensitive reader). */
  respell(email: string): string {
    const style = this.int(0, 3);
    if (style === 0) return email;
    if (style === 1) return email.toUpperCase();
    return [...email].map((c) => (this.chance(0.4) ? c.toUpperCase() : c.toLowerCase())).join('');
  }
}
