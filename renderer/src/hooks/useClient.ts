import { useContext, useSyncExternalStore } from 'react';
import { ClientContext, type ClientContextValue } from '../client/context';
import type { ConnectionState } from '../client/connection';

export function useClientContext(): ClientContextValue {
  const value = useContext(ClientContext);
  if (!value) throw new Error('useClient must be used inside <ClientContext.Provider>');
  return value;
}

export function useClient() {
  return useClientContext().client;
}

export function useConnectionState(): ConnectionState {
  const { connection } = useClientContext();
  return useSyncExternalStore(connection.subscribe, connection.getState);
}
