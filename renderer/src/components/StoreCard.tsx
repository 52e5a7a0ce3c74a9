import type { StoreInfo } from '@core/api';
import { Alert, Button, Code, Group, Paper, PasswordInput, Stack, Text, TextInput, Title } from '@mantine/core';
import { IconDatabase } from '@tabler/icons-react';
import { useState, type FormEvent } from 'react';
import { useApiMutation, useApiQuery } from '../hooks/useApi';
import { ConfirmActionModal } from './ConfirmActionModal';

const SOURCE_TEXT: Record<StoreInfo['source'], string> = {
  option: 'chosen by the --store option',
  environment: 'chosen by SYNCWARDEN_STORE',
  settings: 'chosen here',
  default: "this data directory's own",
};

/**
 * Settings' "Store": where the console store is (SQLite in the data directory, or a PostgreSQL
 * database shared by a team), and the choice for the next start. Switching checks the target first
 * (it connects and reads the schema version, changing nothing) and only then saves it; the password
 * goes to this machine's keychain, never into the URL.
 */
export function StoreCard() {
  const info = useApiQuery('store.info', {});
  // The card says why the store was not changed in place: one message, not a toast as well.
  const change = useApiMutation('store.switch', { onSuccess: () => void info.refetch(), meta: { errorToast: false } });
  const [url, setUrl] = useState('');
  const [password, setPassword] = useState('');
  const [confirm, setConfirm] = useState<null | { location: string | null }>(null);

  const urlProblem = credentialProblem(url);
  const submit = (event: FormEvent) => {
    event.preventDefault();
    if (url.trim() && !urlProblem) setConfirm({ location: url.trim() });
  };
  const apply = () => {
    if (!confirm) return;
    change.mutate({ location: confirm.location, ...(confirm.location !== null && password ? { password } : {}) }, { onSettled: () => setConfirm(null) });
  };
  const current = info.data;
  const result = change.data;

  return (
    <Paper withBorder p="lg" radius="md" component="section" aria-labelledby="store-title" data-testid="store-card">
      <Stack gap="sm">
        <Title order={3} size="h4" id="store-title">
          Store
        </Title>
        {info.isError && (
          <Alert color="red" role="alert">
            {info.error.message}
          </Alert>
        )}
        {current && (
          <Stack gap={4}>
            <Group gap="xs" wrap="nowrap" align="flex-start">
              <IconDatabase size={18} aria-hidden style={{ flexShrink: 0, marginTop: 2 }} />
              <Text size="sm" data-testid="store-current" style={{ overflowWrap: 'anywhere' }}>
                {current.dialect === 'postgres' ? 'PostgreSQL (team mode)' : 'SQLite on this machine'}: <Code>{current.location}</Code>, {SOURCE_TEXT[current.source]}. Schema{' '}
                {current.schemaVersion} of {current.latestVersion}.
              </Text>
            </Group>
            {current.saved && current.source !== 'settings' && (
              <Text size="sm" c="dimmed" data-testid="store-saved">
                Saved for the next start: <Code>{current.saved}</Code>
                {current.source === 'option' || current.source === 'environment' ? ` (${SOURCE_TEXT[current.source].replace('chosen by', 'unless')} is still set)` : ''}.
              </Text>
            )}
          </Stack>
        )}
        <form onSubmit={submit} aria-label="Use a PostgreSQL store">
          <Stack gap="xs">
            <Text size="sm" c="dimmed">
              Team mode: consoles, <Code>syncwarden serve</Code> and workers pointed at one PostgreSQL database share connections, runs, findings, audit and schedules. Create it
              first with <Code>syncwarden store init postgres://…</Code>, or choose an empty database and it is created at the next start.
            </Text>
            <TextInput
              label="PostgreSQL URL"
              placeholder="postgres://syncwarden@db.example.com:5432/syncwarden"
              description="Without the password: it goes in the field below and is kept in this machine's keychain."
              value={url}
              onChange={(event) => setUrl(event.currentTarget.value)}
              data-testid="store-url"
              error={urlProblem}
              autoComplete="off"
              spellCheck={false}
            />
            <PasswordInput
              label="Password"
              description="Leave empty when this machine already has it (keychain or PGPASSWORD) or the server needs none."
              value={password}
              onChange={(event) => setPassword(event.currentTarget.value)}
              data-testid="store-password"
              autoComplete="new-password"
            />
            <Group gap="sm">
              <Button type="submit" disabled={!url.trim() || urlProblem !== null} loading={change.isPending && confirm?.location !== null} data-testid="store-use">
                Check and use this store
              </Button>
              {current?.saved && (
                <Button variant="default" onClick={() => setConfirm({ location: null })} data-testid="store-use-local">
                  Use this data directory&apos;s store
                </Button>
              )}
            </Group>
          </Stack>
        </form>
        {change.isError && (
          <Alert color="red" role="alert" title="The store was not changed" data-testid="store-error">
            {change.error.message}
          </Alert>
        )}
        {result && !change.isPending && (
          <Alert color="teal" role="status" title="Restart Syncwarden to use it" data-testid="store-switched">
            {result.dialect === 'postgres' ? `PostgreSQL store at ${result.location}` : "This data directory's SQLite store"} is saved for the next start
            {result.state === 'empty' ? ' (an empty database: its schema is created then)' : result.state === 'needs-migration' ? ' (its schema is brought up to date then)' : ''}. This
            console keeps using {current?.location ?? 'its current store'} until it restarts.
            {result.overriddenBy && ` While ${result.overriddenBy === 'option' ? 'the --store option' : 'SYNCWARDEN_STORE'} is set, it wins over this choice.`}
          </Alert>
        )}
      </Stack>
      <ConfirmActionModal
        opened={confirm !== null}
        onClose={() => setConfirm(null)}
        title={confirm?.location === null ? "Use this data directory's store?" : 'Use this PostgreSQL store?'}
        reversibility={{ kind: 'reversible', how: 'Come back here and choose the other store; nothing is copied or deleted by switching.' }}
        confirmLabel={confirm?.location === null ? 'Use the local store at next start' : 'Check and save for next start'}
        confirmTestId="store-confirm"
        color="blue"
        pending={change.isPending}
        onConfirm={apply}
      >
        {confirm?.location === null ? (
          <>At the next start this console opens the SQLite store in its data directory again. The PostgreSQL store and its data stay as they are.</>
        ) : (
          <>
            Syncwarden connects to <Code>{confirm?.location}</Code> and reads its schema version (changing nothing). If that works, this console opens it at its next start: the
            runs, findings and audit shown are then the team&apos;s. The current store is kept as it is; nothing is copied.
          </>
        )}
      </ConfirmActionModal>
    </Paper>
  );
}

/**
 * Said as the admin types, before anything is sent: a password inside the URL would be saved in clear
 * (the host refuses it too, store-location.ts; this only spares a round trip).
 */
function credentialProblem(value: string): string | null {
  const text = value.trim();
  if (!/^postgres(ql)?:\/\//i.test(text)) return text ? 'A postgres:// URL, like postgres://syncwarden@db.example.com:5432/syncwarden' : null;
  try {
    const url = new URL(text);
    if (url.password) return 'Leave the password out of the URL: type it in the Password field below.';
    for (const key of url.searchParams.keys()) {
      if (['password', 'sslpassword', 'sslkey', 'passfile'].includes(key.trim().toLowerCase())) return `Leave ?${key.trim().toLowerCase()}= out of the URL: the password goes in the field below.`;
    }
  } catch {
    return 'This is not a valid URL.';
  }
  return null;
}
