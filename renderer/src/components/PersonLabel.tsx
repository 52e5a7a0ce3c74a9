import { ActionIcon, CopyButton, Group, Stack, Text, Tooltip } from '@mantine/core';
import { IconCheck, IconCopy } from '@tabler/icons-react';
import { usePerson } from '../hooks/usePerson';

interface PersonTextProps {
  /** What SQL and the CLI take: the user id, or the key as given when nobody was found. */
  id: string;
  email: string | null;
  name: string | null | undefined;
  /** Email and name on one line (table rows of one line height), or the name under the email. */
  inline?: boolean;
  /** Said on hover instead of "User id …" (a key that names nobody). */
  hint?: string;
  testId?: string;
}

/** On one line the email gives way last: the name is cut first, the email only when it alone is too long. */
const KEEP_WHOLE = { flexShrink: 0, maxWidth: '100%' } as const;

/** A person as the admin knows them: email and name; the id on hover and copyable. */
export function PersonText({ id, email, name, inline = false, hint, testId }: PersonTextProps) {
  const shown = email ?? id;
  const main = (
    <Tooltip label={hint ?? `User id ${id}`} withArrow openDelay={300}>
      <Text size="sm" fw={500} truncate="end" data-testid={testId} data-user-id={id} style={inline ? KEEP_WHOLE : undefined}>
        {/* <bdi>: a name or email with right-to-left or override characters cannot reorder the text around it. */}
        <bdi>{shown}</bdi>
      </Text>
    </Tooltip>
  );
  const secondary = name ? (
    <Text size={inline ? 'sm' : 'xs'} c="dimmed" truncate="end" miw={0} title={name}>
      <bdi>{name}</bdi>
    </Text>
  ) : null;
  return (
    <Group gap={4} wrap="nowrap" miw={0}>
      {inline ? (
        <Group gap={6} wrap="nowrap" miw={0}>
          {main}
          {secondary}
        </Group>
      ) : (
        <Stack gap={0} miw={0}>
          {main}
          {secondary}
        </Stack>
      )}
      <CopyButton value={id} timeout={1500}>
        {({ copied, copy }) => (
          <Tooltip label={copied ? 'Copied' : `Copy user id ${id}`} withArrow>
            <ActionIcon
              variant="subtle"
              color={copied ? 'teal' : 'gray'}
              size="sm"
              onClick={(event) => {
                // Inside a clickable row, copying must not open the row.
                event.stopPropagation();
                copy();
              }}
              onKeyDown={(event) => event.stopPropagation()}
              aria-label={`Copy user id of ${shown}`}
            >
              {copied ? <IconCheck size={14} aria-hidden /> : <IconCopy size={14} aria-hidden />}
            </ActionIcon>
          </Tooltip>
        )}
      </CopyButton>
    </Group>
  );
}

interface PersonLabelProps {
  /** A user id or email, as a run scope, a finding or a schedule names the user. */
  userKey: string;
  inline?: boolean;
  testId?: string;
}

/**
 * A user named by id or email, shown as a person (one batched, cached
 * `users.lookup`). A key the product database does not know is shown as
 * given, never an error.
 */
export function PersonLabel({ userKey, inline, testId }: PersonLabelProps) {
  const { person, loading, unknown } = usePerson(userKey);
  if (person) return <PersonText id={person.id} email={person.email} name={person.name} inline={inline} testId={testId} />;
  const asEmail = userKey.includes('@') ? userKey : null;
  // "No user" only when the product database was asked and said so; otherwise say why nobody was asked.
  const hint = loading ? undefined : unknown !== null ? `${userKey} (not looked up: ${unknown})` : `No user ${userKey} in the product database`;
  return <PersonText id={userKey} email={asEmail} name={null} inline={inline} hint={hint} testId={testId} />;
}
