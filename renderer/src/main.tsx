import './lib/zod-jitless';
import '@mantine/core/styles.css';
import '@mantine/notifications/styles.css';
import { StrictMode } from 'react';
import { createRoot } from 'react-dom/client';
import { App } from './App';
import { createClient } from './client/client';
import { selectTransport } from './client/transport';

// Chosen before the first render: this also takes the token out of the address bar at once.
const transport = selectTransport();
const client = createClient(transport.bridge);

const root = document.getElementById('root');
if (!root) throw new Error('index.html has no #root element');
createRoot(root).render(
  <StrictMode>
    <App client={client} transport={transport} />
  </StrictMode>,
);
