import { NativeSelect, Textarea, TextInput } from '@mantine/core';
import type { ConfigFieldSpec } from './connection-kinds';

interface ConfigFieldProps {
  field: ConfigFieldSpec;
  value: string;
  error: string | undefined;
  onChange: (value: string) => void;
}

/** One non-secret setting, drawn from its spec; every control carries its label so getByLabel finds it. */
export function ConfigField({ field, value, error, onChange }: ConfigFieldProps) {
  const common = {
    label: field.label,
    description: field.description,
    placeholder: field.placeholder,
    withAsterisk: field.required,
    error,
    'data-testid': `connection-field-${field.key}`,
  };
  if (field.input === 'select') {
    return (
      <NativeSelect {...common} data={field.options ?? []} value={value} onChange={(event) => onChange(event.currentTarget.value)} />
    );
  }
  if (field.input === 'textarea' || field.input === 'json') {
    return (
      <Textarea
        {...common}
        value={value}
        onChange={(event) => onChange(event.currentTarget.value)}
        autosize
        minRows={3}
        maxRows={12}
        spellCheck={false}
        styles={{ input: { fontFamily: 'var(--mantine-font-family-monospace)', fontSize: 'var(--mantine-font-size-xs)' } }}
      />
    );
  }
  return (
    <TextInput
      {...common}
      value={value}
      onChange={(event) => onChange(event.currentTarget.value)}
      type={field.input === 'url' ? 'url' : 'text'}
      inputMode={field.input === 'url' ? 'url' : undefined}
      autoComplete="off"
      spellCheck={false}
    />
  );
}
