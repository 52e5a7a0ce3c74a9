/**
 * Runs the benches' loop-delay monitor for a while doing nothing, pinned with a busy process to one core at the
 * lowest priority (nice 19), and prints what it measured as JSON: its timers fire late only because it waits for
 * that core (tests/unit/bench-loop-delay.test.ts). One core and one busy process, so the rest of the machine (a
 * CI run's other test files) is left alone, and the busy process goes whatever happens to this one.
 */
import { execFileSync, spawn } from 'node:child_process';
import { setPriority } from 'node:os';
import { startLoopDelayMonitor } from '../../bench/harness';

const measureMs = Number(process.argv[2] ?? 1000);
const core = String(process.argv[3] ?? 0);
const hog = spawn('taskset', ['-c', core, process.execPath, '-e', 'setTimeout(() => process.exit(0), 10_000); for (;;) {}'], { stdio: 'ignore' });
const stopHog = () => hog.kill('SIGKILL');
process.on('exit', stopHog);
execFileSync('taskset', ['-p', '-c', core, String(process.pid)], { stdio: 'ignore' });
setPriority(19);
const monitor = startLoopDelayMonitor(10);
setTimeout(() => {
  process.stdout.write(`${JSON.stringify(monitor.stop())}\n`);
  stopHog();
}, measureMs);
