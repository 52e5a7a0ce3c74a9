import { spawn, type ChildProcess } from 'node:child_process';
import { setPriority } from 'node:os';
import { createInterface } from 'node:readline';

/**
 * An emulator stands for a service on other machines: on this 2-core machine it would otherwise take CPU from
 * the measured process whenever both are busy (its event loop descheduled: stalls no remote service causes).
 * At nice 10 it runs whenever the measured process does not need the core. Product and floor alike.
 */
export function yieldCpuToMeasured(child: ChildProcess): void {
  if (child.pid !== undefined) setPriority(child.pid, 10);
}

/**
 * Starts a TypeScript script (an emulator seeded for a benchmark) in a child
 * process, so its memory and CPU stay out of the measured process, and waits
 * for the one JSON line it prints when ready.
 */
export async function startChild<Ready>(script: string, args: readonly string[], nodeArgs: readonly string[] = []): Promise<{ ready: Ready; child: ChildProcess }> {
  const child = spawn(process.execPath, [...nodeArgs, '--import', 'tsx', script, ...args], { stdio: ['ignore', 'pipe', 'inherit'] });
  // A bench that throws before its own child.kill() must not leave the emulator serving (one was found alive,
  // niced, 40 minutes after its bench had ended): the child goes when this process does, however it ends.
  const reap = () => child.kill();
  process.once('exit', reap);
  child.once('exit', () => process.off('exit', reap));
  yieldCpuToMeasured(child);
  const ready = await new Promise<Ready>((resolve, reject) => {
    child.once('exit', (code) => reject(new Error(`${script} exited (${code}) before it was ready`)));
    createInterface({ input: child.stdout! }).once('line', (line) => resolve(JSON.parse(line) as Ready));
  });
  return { ready, child };
}
