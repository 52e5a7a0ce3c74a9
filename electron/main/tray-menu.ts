import type { MenuItemConstructorOptions } from 'electron';
import type { SchedulerStatus } from '../../core/api/schedules';

/** What the tray may ask of the scheduler (core/scheduler's Scheduler satisfies it). */
export interface TrayScheduler {
  status(): SchedulerStatus;
  /** Applies at once (status() says so on return); resolves when the store has it. */
  pause(minutes: number | null): Promise<void>;
  resume(): Promise<void>;
  runAllNow(): Promise<number>;
}

export interface TrayMenuActions {
  open(): void;
  quit(): void;
  runAllNow(): void;
  pause(minutes: number | null): void;
  resume(): void;
  /** Present where the app updates itself (the desktop shell). */
  checkForUpdates?(): void;
}

/** The first line of the menu and the tooltip: what Syncwarden is doing right now. */
export function describeState(status: SchedulerStatus, now: Date): string {
  switch (status.state) {
    case 'running':
      return status.activeRuns === 1 ? 'Running 1 sync' : `Running ${status.activeRuns} syncs`;
    case 'attention':
      return status.attention === 1 ? 'Attention needed: 1 schedule keeps failing' : `Attention needed: ${status.attention} schedules keep failing`;
    case 'paused':
      return status.pausedIndefinitely || !status.pausedUntil ? 'Paused until resumed' : `Paused until ${clock(status.pausedUntil, now)}`;
    default:
      return 'Idle';
  }
}

function describeNextRun(status: SchedulerStatus, now: Date, engineTitle: (id: string) => string): string {
  if (status.state === 'paused') return 'Scheduled runs are paused';
  if (!status.nextRun) return 'No scheduled runs';
  return `Next: ${engineTitle(status.nextRun.engine)} at ${clock(status.nextRun.at, now)}`;
}

/**
 * The tray menu as data (Electron's template), so a test can read and click it.
 * Status lines are disabled items: they inform, they do nothing.
 */
export function trayMenuTemplate(status: SchedulerStatus, actions: TrayMenuActions, options: { now: Date; engineTitle: (id: string) => string }): MenuItemConstructorOptions[] {
  const paused = status.state === 'paused';
  return [
    { id: 'state', label: describeState(status, options.now), enabled: false },
    { id: 'next', label: describeNextRun(status, options.now, options.engineTitle), enabled: false },
    { type: 'separator' },
    { id: 'run-all', label: 'Run all now', enabled: !paused, click: actions.runAllNow },
    paused
      ? { id: 'resume', label: 'Resume schedules', click: actions.resume }
      : {
          id: 'pause',
          label: 'Pause schedules',
          submenu: [
            { id: 'pause-hour', label: 'For 1 hour', click: () => actions.pause(60) },
            { id: 'pause-forever', label: 'Until resumed', click: () => actions.pause(null) },
          ],
        },
    { type: 'separator' },
    ...(actions.checkForUpdates ? [{ id: 'check-updates', label: 'Check for updates', click: actions.checkForUpdates }] : []),
    { id: 'open', label: 'Open Syncwarden', click: actions.open },
    { id: 'quit', label: 'Quit', click: actions.quit },
  ];
}

/** "14:30" today, "Tue 14:30" within a week, else the date: the tray is glanced at, not read. */
function clock(iso: string, now: Date): string {
  const at = new Date(iso);
  const time = at.toLocaleTimeString(undefined, { hour: '2-digit', minute: '2-digit' });
  if (at.toDateString() === now.toDateString()) return time;
  const days = (at.getTime() - now.getTime()) / 86_400_000;
  if (days > 0 && days < 6) return `${at.toLocaleDateString(undefined, { weekday: 'short' })} ${time}`;
  return `${at.toLocaleDateString()} ${time}`;
}
