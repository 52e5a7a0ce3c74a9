import type { Message } from './google-state';

/**
 * The subset of Gmail search syntax the mail import uses: `after:`/`before:`
 * (YYYY/MM/DD or epoch seconds), `from:`, `subject:`, `in:`/`label:`, `-` to
 * negate, and bare words matched against subject and snippet.
 */
export function gmailFilter(q: string): (message: Message) => boolean {
  const tests = q
    .split(/\s+/)
    .filter(Boolean)
    .map((term) => {
      const negate = term.startsWith('-');
      const test = termTest(negate ? term.slice(1) : term);
      return (message: Message) => test(message) !== negate;
    });
  return (message) => tests.every((test) => test(message));
}

function termTest(term: string): (message: Message) => boolean {
  const colon = term.indexOf(':');
  const key = colon > 0 ? term.slice(0, colon).toLowerCase() : '';
  const value = colon > 0 ? term.slice(colon + 1) : term;
  const header = (message: Message, name: string) =>
    Object.entries(message.headers).find(([k]) => k.toLowerCase() === name)?.[1]?.toLowerCase() ?? '';
  switch (key) {
    case 'after':
      return (message) => message.internalDate >= toEpochMs(value);
    case 'before':
      return (message) => message.internalDate < toEpochMs(value);
    case 'from':
      return (message) => header(message, 'from').includes(value.toLowerCase());
    case 'subject':
      return (message) => header(message, 'subject').includes(value.toLowerCase());
    case 'in':
    case 'label':
      return value.toLowerCase() === 'anywhere' ? () => true : (message) => message.labelIds.includes(value.toUpperCase());
    default:
      return (message) => `${header(message, 'subject')} ${message.snippet.toLowerCase()}`.includes(term.toLowerCase());
  }
}

/** Dates are midnight UTC here; real Gmail uses the account's time zone. */
function toEpochMs(value: string): number {
  if (/^\d+$/.test(value)) return Number(value) * 1000;
  const [y, m, d] = value.split('/').map(Number);
  return Date.UTC(y ?? 1970, (m ?? 1) - 1, d ?? 1);
}
