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
 * navigated elsewhere, a subframe (an injected iframe, even one showing our
 * own file) or a detached frame cannot reach the handlers.
 *
 * Invariant (DESIGN §4.11), as for the WebSocket host: whatever arrives, the
 * caller gets a CallResult and the main process stays up. Inputs that are not
 * plain JSON (structured clone carries cycles, BigInt, Maps, typed arrays,
 * sparse arrays), over MAX_INPUT_BYTES or nested deeper than MAX_INPUT_DEPTH are
 * refused by dispatch (core/api/input-shape.ts) as invalid-input, in a walk
 * bounded by that size, never by what JSON would expand the message to.
 */
export function registerIpcHost(options: IpcHostOptions): () => void {
  const { app } = options;
  ipcMain.handle(IPC_INVOKE_CHANNEL, async (event, method: unknown, input: unknown): Promise<CallResult<unknown>> => {
    try {
      if (!isMainFrame(event) || !options.isTrustedSender(event)) {
        app.log.warn({ url: safeUrl(event) }, 'refused an IPC call from an untrusted frame');
        return { ok: false, error: new ApiError('unauthorized', 'This frame may not call Syncwarden.').toBody() };
      }
      return await dispatch(app.handlers, method, input, { actor: 'manual' }, app.log);
    } catch (error) {
      app.log.error({ err: error }, 'IPC call failed outside its handler');
      return { ok: false, error: new ApiError('internal', 'The call failed unexpectedly; see the log for details.').toBody() };
    }
  });
  const unsubscribe = app.events.subscribe((event, payload) => {
    for (const contents of options.targets()) {
      // A window closing between the check and the send must not stop the others from hearing the event.
      try {
        if (!contents.isDestroyed()) contents.send(IPC_EVENT_CHANNEL, event, payload);
      } catch (error) {
        app.log.warn({ err: error, event }, 'could not send an event to a window');
      }
    }
  });
  return () => {
    ipcMain.removeHandler(IPC_INVOKE_CHANNEL);
    unsubscribe();
  };
}

/** Only the top frame of a window speaks for the renderer; a subframe has a parent. */
function isMainFrame(event: IpcMainInvokeEvent): boolean {
  const frame = event.senderFrame;
  return frame !== null && frame !== undefined && !frame.parent;
}

function safeUrl(event: IpcMainInvokeEvent): string | undefined {
  try {
    return event.senderFrame?.url;
  } catch {
    return undefined;
  }
}
