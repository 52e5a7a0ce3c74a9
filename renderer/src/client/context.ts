import { createContext } from 'react';
import type { ApiClient } from './client';
import type { ConnectionSource } from './connection';

export interface ClientContextValue {
  client: ApiClient;
  connection: ConnectionSource;
  kind: 'ipc' | 'websocket';
}

export const ClientContext = createContext<ClientContextValue | null>(null);
