import type { Connection } from '@core/api';
import { Alert, Button, Center, Group, Loader, Stack } from '@mantine/core';
import { IconAlertCircle, IconPlugConnected, IconPlus } from '@tabler/icons-react';
import { useState } from 'react';
import { PageHeader } from '../components/PageHeader';
import { ConnectionFormModal, type FormTarget } from '../components/connections/ConnectionFormModal';
import { ConnectionGroups, inDisplayOrder } from '../components/connections/ConnectionGroups';
import { NoConnections } from '../components/connections/NoConnections';
import { RemoveConnectionModal } from '../components/connections/RemoveConnectionModal';
import { ConnectAccountModal } from '../components/connections/ConnectAccountModal';
import { DisconnectAccountModal } from '../components/connections/DisconnectAccountModal';
import { kindSpec } from '../components/connections/connection-kinds';
import { useConnectAccount } from '../components/connections/useConnectAccount';
import { TestAllStatus } from '../components/connections/TestAllSummary';
import { useConnectionTest, useConnectionsList, useTestAll } from '../components/connections/useConnections';
import { useSecretStoreWhere } from '../components/connections/useSecretStoreWording';

export function ConnectionsPage() {
  const list = useConnectionsList();
  const { test, isTesting } = useConnectionTest();
  const where = useSecretStoreWhere();
  const testAll = useTestAll();
  // The targets outlive `opened` so a closing modal keeps its content until it is gone.
  const [form, setForm] = useState<{ target?: FormTarget; opened: boolean; session: number }>({ opened: false, session: 0 });
  const [removal, setRemoval] = useState<{ connection?: Connection; opened: boolean }>({ opened: false });
  const connect = useConnectAccount();
  const [connecting, setConnecting] = useState<{ connection?: Connection; opened: boolean }>({ opened: false });
  const [disconnecting, setDisconnecting] = useState<{ connection?: Connection; opened: boolean }>({ opened: false });

  const openForm = (target: FormTarget) => setForm((current) => ({ target, opened: true, session: current.session + 1 }));
  const closeForm = () => setForm((current) => ({ ...current, opened: false }));
  const connections = list.data ?? [];

  return (
    <Stack gap="xl">
      <PageHeader
        title="Connections"
        description={`Where your product's data lives and the services it mirrors. Secrets are kept in ${where}.`}
        actions={
          connections.length > 0 && (
            <Group gap="sm">
              <Button
                variant="default"
                // A loader in place of the icon and a label that says how far, not Mantine's overlay spinner over the label (issue-18 walk).
                leftSection={testAll.progress ? <Loader size={14} aria-hidden /> : <IconPlugConnected size={16} aria-hidden />}
                disabled={testAll.progress !== null}
                onClick={() => void testAll.run(inDisplayOrder(connections).map((c) => c.id))}
                data-testid="test-all-connections"
              >
                {testAll.progress ? `Testing ${Math.min(testAll.progress.done + 1, testAll.progress.total)} of ${testAll.progress.total}…` : 'Test all'}
              </Button>
              <Button leftSection={<IconPlus size={16} aria-hidden />} onClick={() => openForm({ mode: 'create' })} data-testid="add-connection">
                Add connection
              </Button>
            </Group>
          )
        }
      />
      {list.isLoading && (
        <Center py="xl">
          <Loader size="sm" aria-label="Loading connections" />
        </Center>
      )}
      {list.isError && (
        <Alert color="red" icon={<IconAlertCircle aria-hidden />} title="Could not load connections">
          {list.error.message}
        </Alert>
      )}
      <TestAllStatus progress={testAll.progress} summary={testAll.summary} connections={connections} onDismiss={testAll.dismiss} />
      {list.isSuccess && connections.length === 0 && <NoConnections onAdd={() => openForm({ mode: 'create' })} />}
      {connections.length > 0 && (
        <ConnectionGroups
          connections={connections}
          isTesting={isTesting}
          onTest={test}
          onEdit={(connection) => openForm({ mode: 'edit', connection })}
          onRemove={(connection) => setRemoval({ connection, opened: true })}
          onConnect={(connection) => {
            setConnecting({ connection, opened: true });
            connect.start(connection.id);
          }}
          onDisconnect={(connection) => setDisconnecting({ connection, opened: true })}
        />
      )}
      <ConnectionFormModal target={form.target} opened={form.opened} session={form.session} onClose={closeForm} onTest={test} />
      <ConnectAccountModal
        opened={connecting.opened}
        service={connecting.connection ? (kindSpec(connecting.connection.kind).connect?.service ?? '') : ''}
        flow={connect.flow}
        starting={connect.starting}
        startError={connect.startError}
        onCancel={connect.cancel}
        onClose={() => {
          connect.dismiss();
          setConnecting((current) => ({ ...current, opened: false }));
        }}
      />
      <DisconnectAccountModal connection={disconnecting.connection} opened={disconnecting.opened} onClose={() => setDisconnecting((current) => ({ ...current, opened: false }))} />
      <RemoveConnectionModal connection={removal.connection} opened={removal.opened} onClose={() => setRemoval((current) => ({ ...current, opened: false }))} />
    </Stack>
  );
}
