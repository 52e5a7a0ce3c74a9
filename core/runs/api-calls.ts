/** Counts API requests per service during a run (the benchmarks compare it with the page-size floor). */
export class ApiCallCounter {
  private readonly counts: Record<string, number> = {};

  record(service: string, calls = 1): void {
    this.counts[service] = (this.counts[service] ?? 0) + calls;
  }

  snapshot(): Record<string, number> {
    return { ...this.counts };
  }
}
