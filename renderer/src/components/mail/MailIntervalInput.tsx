import { NumberInput } from '@mantine/core';
import { useState } from 'react';

const MAX_MINUTES = 7 * 24 * 60;

/** The interval in minutes, saved when the field is left or Enter is pressed (never on each keystroke). */
export function MailIntervalInput({ userId, label, value, disabled, onSave }: { userId: string; label: string; value: number; disabled: boolean; onSave: (minutes: number) => void }) {
  const [draft, setDraft] = useState<string | number>(value);
  const [seen, setSeen] = useState(value);
  // The saved value changed (this save, or another admin's): show it.
  if (seen !== value) {
    setSeen(value);
    setDraft(value);
  }
  const n = typeof draft === 'number' ? draft : Number(draft);
  const valid = Number.isInteger(n) && n >= 1 && n <= MAX_MINUTES;
  const commit = () => {
    if (valid && n !== value) onSave(n);
  };
  return (
    <NumberInput
      size="xs"
      w={96}
      min={1}
      max={MAX_MINUTES}
      allowDecimal={false}
      allowNegative={false}
      suffix=" min"
      value={draft}
      onChange={setDraft}
      onBlur={commit}
      onKeyDown={(event) => event.key === 'Enter' && commit()}
      disabled={disabled}
      error={valid ? undefined : '1 to 10080'}
      aria-label={label}
      data-testid={`mail-interval-${userId}`}
    />
  );
}
