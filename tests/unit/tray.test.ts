import { existsSync } from 'node:fs';
import { join } from 'node:path';
import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest';
import type { SchedulerStatus } from '../../core/api/schedules';

/** The tray against a mocked `electron`, as in desktop.test.ts: its image per platform and its throttled menu. */
const fake = vi.hoisted(() => {
  const trays: { image: unknown; setContextMenu: ReturnType<typeof vi.fn>; setToolTip: ReturnType<typeof vi.fn>; destroy: ReturnType<typeof vi.fn>; on: ReturnType<typeof vi.fn> }[] = [];
  class FakeTray {
    setContextMenu = vi.fn();
    setToolTip = vi.fn();
    destroy = vi.fn();
    on = vi.fn();
    constructor(public image: unknown) {
      trays.push(this);
    }
  }
  return { trays, FakeTray, createFromPath: vi.fn((path: string) => ({ path })) };
});

vi.mock('electron', () => ({
  Tray: fake.FakeTray,
  Menu: { buildFromTemplate: (template: unknown) => template },
  nativeImage: { createFromPath: fake.createFromPath },
}));

const { createTray, trayIconFile, TRAY_REFRESH_MS } = await import('../../electron/main/tray');

const RESOURCES = join(__dirname, '../../resources');
const idle: SchedulerStatus = { state: 'idle', activeRuns: 0, attention: 0, nextRun: null, pausedUntil: null, pausedIndefinitely: false };

function makeTray(iconPath = join(RESOURCES, 'tray', trayIconFile())) {
  const scheduler = { status: vi.fn(() => idle), pause: vi.fn(async () => undefined), resume: vi.fn(async () => undefined), runAllNow: vi.fn(async () => 0) };
  const controller = createTray({ iconPath, scheduler, open: vi.fn(), quit: vi.fn(), engineTitle: (id) => id, onError: vi.fn() });
  const tray = fake.trays.at(-1);
  if (!tray) throw new Error('no tray');
  return { controller, scheduler, tray };
}

describe('tray', () => {
  beforeEach(() => vi.useFakeTimers({ now: 0 }));
  afterEach(() => vi.useRealTimers());

  it('loads the macOS template image pair on macOS and the coloured image elsewhere', () => {
    expect(trayIconFile('darwin')).toBe('trayTemplate.png');
    expect(trayIconFile('linux')).toBe('tray.png');
    expect(trayIconFile('win32')).toBe('tray.png');
    // nativeImage marks a `…Template.png` as a template and finds its `@2x` sibling by name: both must ship.
    for (const file of ['trayTemplate.png', 'trayTemplate@2x.png', 'tray.png']) expect(existsSync(join(RESOURCES, 'tray', file))).toBe(true);
  });

  it('on macOS the tray is created from the template image', () => {
    const platform = Object.getOwnPropertyDescriptor(process, 'platform');
    Object.defineProperty(process, 'platform', { value: 'darwin' });
    try {
      makeTray();
    } finally {
      if (platform) Object.defineProperty(process, 'platform', platform);
    }
    expect(fake.createFromPath).toHaveBeenLastCalledWith(join(RESOURCES, 'tray', 'trayTemplate.png'));
    expect(fake.trays.at(-1)?.image).toEqual({ path: join(RESOURCES, 'tray', 'trayTemplate.png') });
  });

  it('a burst of refreshes rebuilds the menu once at once and once at the end of the interval', () => {
    const { controller, tray } = makeTray();
    expect(tray.setContextMenu).toHaveBeenCalledTimes(1);
    vi.advanceTimersByTime(TRAY_REFRESH_MS);
    for (let i = 0; i < 100; i++) controller.refresh();
    expect(tray.setContextMenu).toHaveBeenCalledTimes(2);
    vi.advanceTimersByTime(TRAY_REFRESH_MS);
    expect(tray.setContextMenu).toHaveBeenCalledTimes(3);
    vi.advanceTimersByTime(10 * TRAY_REFRESH_MS);
    expect(tray.setContextMenu).toHaveBeenCalledTimes(3);
  });

  it('pausing rebuilds at once, inside the interval; a destroyed tray is never rebuilt', () => {
    const { controller, scheduler, tray } = makeTray();
    controller.refresh();
    const menu = tray.setContextMenu.mock.calls[0]?.[0] as { id?: string; submenu?: { id?: string; click?: () => void }[] }[];
    const pauseHour = menu.flatMap((item) => item.submenu ?? []).find((item) => item.id === 'pause-hour');
    pauseHour?.click?.();
    expect(scheduler.pause).toHaveBeenCalledWith(60);
    expect(tray.setContextMenu).toHaveBeenCalledTimes(2);
    controller.refresh();
    controller.destroy();
    vi.advanceTimersByTime(10 * TRAY_REFRESH_MS);
    expect(tray.setContextMenu).toHaveBeenCalledTimes(2);
    expect(tray.destroy).toHaveBeenCalledTimes(1);
  });
});
