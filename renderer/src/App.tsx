import { Center, Loader, MantineProvider } from '@mantine/core';
import { Notifications } from '@mantine/notifications';
import { QueryClientProvider } from '@tanstack/react-query';
import { Suspense, useMemo, useState } from 'react';
import { Redirect, Route, Router, Switch } from 'wouter';
import { useHashLocation } from 'wouter/use-hash-location';
import type { ApiClient } from './client/client';
import { ClientContext } from './client/context';
import type { Transport } from './client/transport';
import { AccessRequired } from './components/AccessRequired';
import { AppLayout } from './components/AppLayout';
import { LiveEventsProvider } from './components/LiveEventsProvider';
import { useConnectionState } from './hooks/useClient';
import { createQueryClient } from './lib/query-client';
import { NAV_ITEMS } from './navigation';
import { theme } from './theme';
import { setupStyleNonce } from './lib/style-nonce';

export function App({ client, transport }: { client: ApiClient; transport: Transport }) {
  const [queryClient] = useState(createQueryClient);
  const context = useMemo(() => ({ client, connection: transport.connection, kind: transport.kind }), [client, transport]);
  const [styleNonce] = useState(setupStyleNonce);
  return (
    // "auto" follows the OS until the `theme` setting says otherwise (see useThemeSetting).
    <MantineProvider theme={theme} defaultColorScheme="auto" {...(styleNonce ? { getStyleNonce: () => styleNonce } : {})}>
      <Notifications position="bottom-right" limit={4} />
      <ClientContext.Provider value={context}>
        <QueryClientProvider client={queryClient}>
          <Console />
        </QueryClientProvider>
      </ClientContext.Provider>
    </MantineProvider>
  );
}

function Console() {
  const connection = useConnectionState();
  if (connection.status === 'unauthorized') return <AccessRequired reason={connection.reason} />;
  return (
    <LiveEventsProvider>
      {/* Hash routing: the desktop serves one document (app://syncwarden/index.html), as browser mode does. */}
      <Router hook={useHashLocation}>
        <AppLayout>
          {/* Pages load on first visit (navigation.ts); the layout and sidebar stay while one loads. */}
          <Suspense fallback={<PageLoading />}>
            <Switch>
              {NAV_ITEMS.map((item) => (
                <Route key={item.path} path={item.path} component={item.component} />
              ))}
              <Route>
                <Redirect to="/" replace />
              </Route>
            </Switch>
          </Suspense>
        </AppLayout>
      </Router>
    </LiveEventsProvider>
  );
}

/** What a page shows while its chunk loads (a fraction of a second from disk or loopback). */
function PageLoading() {
  return (
    <Center h={240} role="status" aria-label="Loading page" data-testid="page-loading">
      <Loader size="sm" type="dots" />
    </Center>
  );
}
