/**
 * Runs the benches' loop-delay monitor at the lowest priority (nice 19) for a while, doing nothing, and
 * prints what it measured as JSON: beside busy processes this process's timers fire late only because it
 * waits for a CPU (tests/unit/bench-loop-delay.test.ts).
 */
import { setPriority } from 'node:os';
import { startLoopDelayMonitor } from '../../bench/harness';

setPriority(19);
const monitor = startLoopDelayMonitor(10);
setTimeout(() => process.stdout.write(`${JSON.stringify(monitor.stop())}\n`), Number(process.argv[2] ?? 1500));
