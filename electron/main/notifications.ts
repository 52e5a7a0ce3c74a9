import { Notification } from 'electron';
import type { AppNotification } from '../../core/api/notifications';
import type { EventHub } from '../../core/base/event-hub';

export interface DesktopNotificationsOptions {
  events: EventHub;
  /** Opens the window at the notification's route. */
  open(route: string): void;
  iconPath?: string;
}

/**
 * Shows core's `notification` events as OS notifications; a click opens the
 * matching page. What deserves a notification is decided in core/app/notifier.ts.
 */
export function showDesktopNotifications(options: DesktopNotificationsOptions): () => void {
  // Electron drops the click handler of a notification that was garbage-collected: keep each until it closes.
  const live = new Set<Notification>();
  const off = options.events.subscribe((event, payload) => {
    if (event !== 'notification' || !Notification.isSupported()) return;
    const note = payload as AppNotification;
    const notification = new Notification({ title: note.title, body: note.body, ...(options.iconPath ? { icon: options.iconPath } : {}) });
    live.add(notification);
    notification.on('click', () => {
      live.delete(notification);
      options.open(note.route);
    });
    notification.on('close', () => live.delete(notification));
    notification.show();
  });
  return () => {
    off();
    for (const notification of live) notification.close();
    live.clear();
  };
}
