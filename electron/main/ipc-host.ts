import { ipcMain, type IpcMainInvokeEvent, type WebContents } from 'electron';
import { ApiError, type CallResult } from '../../core/api/errors';
import { IPC_EVENT_CHANNEL, IPC_INVOKE_CHANNEL } from '../../core/api/transport';
import { dispatch } from '../../core/app/dispatch';
import type { Syncwarden } from '../../core/app/app';

export interface IpcHostOptions {
  app: Syncwarden;
  /** True only for frames that show our own renderer (checked on every message). */
  isTrustedSender: (event: IpcMainInvokeEvent) => boolean;
  /** The web contents that should receive contract events. */
  targets: () => readonly WebContents[];
}

/**
 * The IPC host: one `invoke` channel into the shared handler table, one
 * `event` channel out. Every call's sender is checked, so a frame that
 * navigated elsewhere (or an injected iframe) cannot reach the handlers.
 */
export function registerIpcHost(options: IpcHostOptions): () => void {
  const { app } = options;
  ipcMain.handle(IPC_INVOKE_CHANNEL, async (event, method: unknown, input: unknown): Promise<CallResult<unknown>> => {
    if (!options.isTrustedSender(event)) {
      app.log.warn({ url: event.senderFrame?.url }, 'refused an IPC call from an untrusted frame');
      return { ok: false, error: new ApiError('unauthorized', 'This frame may not call Syncwarden.').toBody() };
    }
    return dispatch(app.handlers, method, input, { actor: 'manual' }, app.log);
  });
  const unsubscribe = app.events.subscribe((event, payload) => {
    for (const contents of options.targets()) {
      if (!contents.isDestroyed()) contents.send(IPC_EVENT_CHANNEL, event, payload);
    }
  });
  return () => {
    ipcMain.removeHandler(IPC_INVOKE_CHANNEL);
    unsubscribe();
  };
}
