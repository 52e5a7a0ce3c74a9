import { contextBridge, ipcRenderer, type IpcRendererEvent } from 'electron';
import { isEventName, isMethodName } from '../../core/api/names';
import { IPC_EVENT_CHANNEL, IPC_INVOKE_CHANNEL, type SyncwardenBridge } from '../../core/api/transport';

/**
 * The only surface the renderer gets: invoke a contract method, listen to a
 * contract event. Names outside the contract never reach the main process.
 */
const bridge: SyncwardenBridge = {
  invoke(method, input) {
    if (!isMethodName(method)) {
      return Promise.resolve({ ok: false, error: { code: 'unknown-method', message: `Unknown method ${JSON.stringify(method)}.` } });
    }
    return ipcRenderer.invoke(IPC_INVOKE_CHANNEL, method, input);
  },
  on(event, listener) {
    if (!isEventName(event)) throw new Error(`Unknown event ${JSON.stringify(event)}.`);
    const handler = (_event: IpcRendererEvent, name: unknown, payload: unknown) => {
      if (name === event) listener(payload);
    };
    ipcRenderer.on(IPC_EVENT_CHANNEL, handler);
    return () => {
      ipcRenderer.removeListener(IPC_EVENT_CHANNEL, handler);
    };
  },
};

contextBridge.exposeInMainWorld('syncwarden', bridge);
