import { Alert, Button, Group } from '@mantine/core';
import { IconAlertCircle, IconDeviceFloppy } from '@tabler/icons-react';

interface FormFooterProps {
  /** A form-level error (not tied to one field), shown above the buttons. */
  error?: string | undefined;
  saving: boolean;
  submitLabel: string;
  submitTestId: string;
  onCancel: () => void;
}

/** The end of every modal form: the form-level error, then Cancel and the submit button. */
export function FormFooter({ error, saving, submitLabel, submitTestId, onCancel }: FormFooterProps) {
  return (
    <>
      {error && (
        <Alert color="red" icon={<IconAlertCircle aria-hidden />} title="Not saved" role="alert">
          {error}
        </Alert>
      )}
      <Group justify="flex-end" gap="sm">
        <Button variant="default" onClick={onCancel}>
          Cancel
        </Button>
        <Button type="submit" loading={saving} leftSection={<IconDeviceFloppy size={16} aria-hidden />} data-testid={submitTestId}>
          {submitLabel}
        </Button>
      </Group>
    </>
  );
}
