import type { MethodInput, MethodOutput } from '@core/api';
import { describe, expect, it } from 'vitest';
import { PersonBatcher } from '../../../renderer/src/hooks/usePerson';

type Lookup = (input: MethodInput<'users.lookup'>) => Promise<MethodOutput<'users.lookup'>>;

/** A host that answers users.lookup as core/app/users.handlers.ts does, including the contract's refusal of a bad key. */
function host(people: Record<string, { id: string; email: string }>, unavailable: string | null = null) {
  const calls: string[][] = [];
  const lookup: Lookup = async ({ keys }) => {
    calls.push(keys);
    // The contract trims each key and refuses the whole input if one is blank or longer than 320.
    if (keys.some((k) => k.trim() === '' || k.trim().length > 320)) throw new Error('invalid-input: keys');
    const trimmed = keys.map((k) => k.trim());
    if (unavailable) return { users: [], unavailable };
    return { users: trimmed.filter((k) => people[k]).map((k) => ({ key: k, user: { ...people[k]!, name: null } })), unavailable: null };
  };
  const client = { request: (method: string, input: unknown) => (method === 'users.lookup' ? lookup(input as MethodInput<'users.lookup'>) : Promise.reject(new Error(method))) };
  return { client: client as unknown as ConstructorParameters<typeof PersonBatcher>[0], calls };
}

const ADA = { id: 'u-ada', email: 'ada@example.com' };

describe('attack: the people batcher (labels on one page share one users.lookup)', () => {
  it('one blank or over-long key does not make every other label on the page say "no such user"', async () => {
    const { client } = host({ 'u-ada': ADA });
    const batcher = new PersonBatcher(client);
    const [ada, blank, long] = await Promise.all([batcher.load('u-ada'), batcher.load('   '), batcher.load('x'.repeat(400))]);
    expect(ada?.email).toBe('ada@example.com');
    expect(blank).toBeNull();
    expect(long).toBeNull();
  });

  it('a key with spaces around it (as a product row may hold it) is found, as the host trims it', async () => {
    const { client } = host({ 'u-ada': ADA });
    await expect(new PersonBatcher(client).load(' u-ada ')).resolves.toMatchObject({ id: 'u-ada' });
  });

  it('without a product database, or when the lookup fails, nobody is said not to exist', async () => {
    await expect(new PersonBatcher(host({}, 'There is no product database.').client).load('u-ada')).rejects.toThrow('There is no product database.');
    const failing = { request: () => Promise.reject(new Error('socket closed')) } as unknown as ConstructorParameters<typeof PersonBatcher>[0];
    await expect(new PersonBatcher(failing).load('u-ada')).rejects.toThrow('socket closed');
  });
});
