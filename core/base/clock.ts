/**
 * The one way code reads the time: engines, runs, the scheduler and the
 * connections service get a Clock instead of calling `new Date()`, so tests
 * and benchmarks can run days of schedules in milliseconds.
 */
export interface Clock {
  now(): Date;
}
