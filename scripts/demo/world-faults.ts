import { ANY_ROUTE, type FaultScript } from '../../tests/emulators/shared/faults';
import type { RunningEmulator } from '../../tests/emulators/shared/emulator';
import { WorldFileError, type SERVICES, type WorldFault } from './world-schema';

/**
 * A world's `faults` → the emulators' fault scripts (tests/emulators/README.md),
 * set once the emulators run. A route name the emulator does not have is the
 * world file's mistake, reported with its JSON path and the names it could have meant.
 */
export function applyWorldFaults(faults: WorldFault[], emulators: Record<(typeof SERVICES)[number], RunningEmulator>, source: string): void {
  const problems = faults.flatMap((fault, i) => {
    const names = emulators[fault.service].routeNames();
    if (fault.route === ANY_ROUTE || names.includes(fault.route)) return [];
    const near = names.filter((name) => name.split('.')[0] === fault.route.split('.')[0]);
    return [`faults[${i}].route: ${fault.service} has no route "${fault.route}" (its routes: ${(near.length > 0 ? near : names).join(', ')})`];
  });
  if (problems.length > 0) throw new WorldFileError(source, problems);
  for (const { service, route, ...script } of faults) emulators[service].fault(route, script as FaultScript);
}
