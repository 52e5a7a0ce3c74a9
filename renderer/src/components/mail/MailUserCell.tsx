import { PersonText } from '../PersonLabel';

/** A user of the Mail page: email and name; the id (what SQL and the CLI take) on hover and copyable. */
export function MailUserCell({ userId, email, name }: { userId: string; email: string | null; name: string | null | undefined }) {
  return <PersonText id={userId} email={email} name={name} testId={`mail-user-${userId}`} />;
}
