import type { ConnectionKind } from '@core/api';
import { Center, Input, SegmentedControl, Text } from '@mantine/core';
import { KIND_ORDER, kindSpec } from './connection-kinds';

const OPTIONS = KIND_ORDER.map((kind) => {
  const spec = kindSpec(kind);
  const Icon = spec.icon;
  return {
    value: kind,
    label: (
      <Center style={{ gap: 6 }}>
        <Icon size={16} aria-hidden />
        <span>{spec.label}</span>
      </Center>
    ),
  };
});

/** The kind is chosen once, when adding: a connection's kind decides its whole config, so edit keeps it. */
export function KindPicker({ value, onChange }: { value: ConnectionKind; onChange: (kind: ConnectionKind) => void }) {
  return (
    <Input.Wrapper label="Kind" labelElement="div" description={kindSpec(value).description} inputWrapperOrder={['label', 'input', 'description']}>
      <SegmentedControl
        aria-label="Kind"
        data={OPTIONS}
        value={value}
        onChange={(next) => onChange(next as ConnectionKind)}
        fullWidth
        mt={6}
        mb={4}
        data-testid="connection-kind"
      />
    </Input.Wrapper>
  );
}

export function KindLabel({ kind }: { kind: ConnectionKind }) {
  const spec = kindSpec(kind);
  const Icon = spec.icon;
  return (
    <Input.Wrapper label="Kind" labelElement="div" description={spec.description} inputWrapperOrder={['label', 'input', 'description']}>
      <Text size="sm" fw={500} mt={4} mb={4} style={{ display: 'flex', alignItems: 'center', gap: 6 }} data-testid="connection-kind">
        <Icon size={16} aria-hidden /> {spec.label}
      </Text>
    </Input.Wrapper>
  );
}
