import { describe, expect, it } from 'vitest';
import { ArrayMemberParser, readJsonPicking } from '../../core/connectors/shared/json-array-stream';
import { Prng } from '../helpers/prng';

/**
 * readJsonPicking against response.json(): for every body and every way of
 * cutting it into chunks, the same value (the `users` elements picked) or the
 * same SyntaxError.
 */
const pick = (element: unknown) => ({ picked: element });
const encoder = new TextEncoder();

function streamOf(bytes: Uint8Array, cuts: readonly number[]): Response {
  const points = [0, ...cuts.filter((c) => c > 0 && c < bytes.length).sort((a, b) => a - b), bytes.length];
  const chunks = points.slice(1).map((end, i) => bytes.slice(points[i], end));
  return new Response(
    new ReadableStream<Uint8Array>({
      pull(controller) {
        const next = chunks.shift();
        if (next) controller.enqueue(next);
        else controller.close();
      },
    }),
  );
}

async function expected(bytes: Uint8Array): Promise<unknown> {
  try {
    const body: unknown = await new Response(bytes).json();
    if (typeof body === 'object' && body !== null && !Array.isArray(body) && Object.hasOwn(body, 'users')) {
      const users = (body as Record<string, unknown>).users;
      if (Array.isArray(users)) (body as Record<string, unknown>).users = users.map(pick);
    }
    return { value: body };
  } catch (error) {
    return { error: `${(error as Error).name}: ${(error as Error).message}` };
  }
}

async function actual(bytes: Uint8Array, cuts: readonly number[]): Promise<unknown> {
  try {
    return { value: await readJsonPicking(streamOf(bytes, cuts), 'users', pick) };
  } catch (error) {
    return { error: `${(error as Error).name}: ${(error as Error).message}` };
  }
}

const user = (i: number) => ({
  id: `00000000-0000-4000-8000-${String(i).padStart(12, '0')}`,
  aud: 'authenticated',
  email: `user${i}@example.com`,
  user_metadata: { full_name: `Ü "${i}" \\ }] ,{[ 😀`, nested: { a: [1, { b: '}' }] } },
  app_metadata: { role: 'user', providers: ['email'] },
  identities: [{ identity_data: { sub: `x${i}` } }],
  is_anonymous: false,
  n: -1.5e3,
  z: null,
});

const bodies: Record<string, string> = {
  emulator: JSON.stringify({ users: [user(1), user(2), user(3)], aud: 'authenticated' }),
  gotrueOrder: JSON.stringify({ aud: 'authenticated', users: [user(1), user(2)] }),
  spaced: JSON.stringify({ aud: 'a', users: [user(1), user(2)], x: [1, { '}': ']' }] }, null, 2).replace(/\n/g, '\r\n\t'),
  emptyUsers: '{"users":[],"aud":"authenticated"}',
  spacedEmptyUsers: ' { "users" : [ ] } ',
  emptyObject: '{}',
  scalars: '{"users":[1, "two", null, true, [3], {"a":"\\"}"}]}',
  noUsers: '{"aud":"authenticated"}',
  usersNull: '{"users":null}',
  usersObject: '{"users":{"0":1}}',
  duplicateUsers: '{"users":[1],"users":[2,3]}',
  duplicateOther: '{"aud":"a","users":[1],"aud":"b"}',
  escapedKey: '{"\\u0075sers":[1,2]}',
  escapedKeyAfter: '{"users":[1],"\\u0075sers":[9]}',
  protoKey: '{"__proto__":{"users":[7]},"users":[1]}',
  topArray: '[{"users":[1]}]',
  topString: '"users"',
  topNull: 'null',
  html: '<html><body>captive portal</body></html>',
  empty: '',
  spaces: '   ',
  trailingComma: '{"users":[1,2,],"aud":"a"}',
  trailingMemberComma: '{"users":[1],}',
  missingComma: '{"users":[1 2]}',
  leadingComma: '{"users":[,1]}',
  unclosed: '{"users":[1,2]',
  unclosedArray: '{"users":[1,2',
  trailingGarbage: '{"users":[1]} x',
  twoObjects: '{"users":[1]}{"users":[2]}',
  badElement: '{"users":[{"a":}]}',
  badOther: '{"aud":tru,"users":[1]}',
  badKey: '{aud:1,"users":[1]}',
  mismatchedBrackets: '{"users":[{"a":[1}]]}',
  controlInString: '{"users":["a\u0001b"]}',
  lineSeparator: '{"users":["a\u2028b"]}',
  bomInside: '{"users":[\ufeff1]}',
  escapes: '{"users":["\\\\","\\"","\\\\\\"","a\\\\\\\\"],"k\\\\":"\\\\"}',
  badEscape: '{"users":["\\x"]}',
  loneSurrogate: '{"users":["\\ud800"]}',
  numbers: '{"users":[0,-0,1e400,-1E-400,0.5,12345678901234567890]}',
  badNumber: '{"users":[01]}',
};
const specialBytes: Record<string, Uint8Array> = {
  bom: new Uint8Array([0xef, 0xbb, 0xbf, ...encoder.encode('{"users":[1]}')]),
  doubleBom: new Uint8Array([0xef, 0xbb, 0xbf, 0xef, 0xbb, 0xbf, ...encoder.encode('{"users":[1]}')]),
  invalidUtf8InString: new Uint8Array([...encoder.encode('{"users":["a'), 0xff, 0xc3, ...encoder.encode('b"],"x":"'), 0xe2, 0x82, ...encoder.encode('"}')]),
  invalidUtf8Outside: new Uint8Array([...encoder.encode('{"users":[1'), 0xff, ...encoder.encode(']}')]),
};
const allBodies: [string, Uint8Array][] = [...Object.entries(bodies).map(([name, text]): [string, Uint8Array] => [name, encoder.encode(text)]), ...Object.entries(specialBytes)];

describe('readJsonPicking against response.json()', () => {
  it.each(allBodies)('%s: same value or error, whole and cut at every byte', async (_name, bytes) => {
    const want = await expected(bytes);
    expect(await actual(bytes, [])).toEqual(want);
    expect(await actual(bytes, Array.from({ length: bytes.length }, (_, i) => i))).toEqual(want);
    for (let at = 1; at < bytes.length; at++) expect(await actual(bytes, [at])).toEqual(want);
  });

  it('valid bodies whose users member is one array never need the whole parse, however cut', async () => {
    const valid = ['emulator', 'gotrueOrder', 'spaced', 'emptyUsers', 'spacedEmptyUsers', 'emptyObject', 'scalars', 'noUsers', 'duplicateOther', 'protoKey', 'escapes', 'numbers', 'lineSeparator'];
    for (const name of valid) {
      const bytes = encoder.encode(bodies[name]!);
      for (let at = 0; at <= bytes.length; at++) {
        for (const cuts of [[at], [at, at + 1, at + 2]]) {
          const parser = new ArrayMemberParser('users', pick);
          const points = [0, ...cuts.filter((c) => c < bytes.length), bytes.length];
          for (let p = 1; p < points.length; p++) parser.push(bytes.slice(points[p - 1], points[p]));
          expect({ name, at, value: await parser.end() }).toEqual({ name, at, value: (await expected(bytes) as { value: unknown }).value });
          expect({ name, at, fellBack: parser.fellBack }).toEqual({ name, at, fellBack: false });
        }
      }
    }
  });

  it('elements are picked while the page still streams in', async () => {
    const calls: unknown[] = [];
    const body = encoder.encode(bodies.gotrueOrder!);
    const spy = (element: unknown) => {
      calls.push(element);
      return pick(element);
    };
    // Elements are picked while the stream is still open: a stream that never ends after the users array still saw them.
    let release: () => void = () => undefined;
    const gate = new Promise<void>((resolve) => (release = resolve));
    const stream = new ReadableStream<Uint8Array>({
      async start(controller) {
        controller.enqueue(body.slice(0, body.length - 1));
        await gate;
        controller.enqueue(body.slice(body.length - 1));
        controller.close();
      },
    });
    const reading = readJsonPicking(new Response(stream), 'users', spy);
    await new Promise((resolve) => setTimeout(resolve, 20));
    expect(calls).toHaveLength(2);
    release();
    expect(await reading).toEqual((await expected(body) as { value: unknown }).value);
  });

  it('random bodies, valid and broken, in random chunks', async () => {
    const prng = new Prng(19);
    const next = () => prng.next();
    const int = (n: number) => Math.floor(next() * n);
    const chars = ['a', 'Z', ' ', '"', '\\', '}', ']', '{', '[', ',', ':', 'é', '😀', '\u2028', '\n', '/'];
    const str = () => Array.from({ length: int(6) }, () => chars[int(chars.length)]).join('');
    const value = (depth: number): unknown => {
      const kind = int(depth > 2 ? 4 : 6);
      if (kind === 0) return str();
      if (kind === 1) return int(3) === 0 ? null : next() * 1000 - 500;
      if (kind === 2) return int(2) === 0;
      if (kind === 3) return int(1000);
      if (kind === 4) return Array.from({ length: int(4) }, () => value(depth + 1));
      return Object.fromEntries(Array.from({ length: int(4) }, () => [int(5) === 0 ? 'users' : str(), value(depth + 1)]));
    };
    const space = () => [' ', '\n', '\t', '\r', ''][int(5)] ?? '';
    const spaced = (text: string) => text.replace(/[,:[\]{}]/g, (c) => (int(4) === 0 ? `${space()}${c}${space()}` : c));
    for (let round = 0; round < 600; round++) {
      const top: Record<string, unknown> = {};
      const members = int(4);
      const usersAt = int(members + 1);
      for (let m = 0; m <= members; m++) {
        if (m === usersAt && int(8) !== 0) top.users = Array.from({ length: int(5) }, () => value(1));
        else top[str()] = value(1);
      }
      let text = int(3) === 0 ? spaced(JSON.stringify(top)) : JSON.stringify(top);
      if (int(3) === 0) {
        // A broken body: one character removed, doubled or replaced.
        const at = int(text.length);
        const change = int(3);
        text = change === 0 ? text.slice(0, at) + text.slice(at + 1) : change === 1 ? text.slice(0, at) + text[at] + text.slice(at) : text.slice(0, at) + chars[int(chars.length)] + text.slice(at + 1);
      }
      const bytes = encoder.encode(text);
      const cuts = Array.from({ length: int(6) }, () => int(bytes.length + 1));
      expect({ text, outcome: await actual(bytes, cuts) }).toEqual({ text, outcome: await expected(bytes) });
    }
  });

  it('a stream that fails rejects with its error, as response.json() does', async () => {
    const failing = () =>
      new Response(
        new ReadableStream<Uint8Array>({
          start(controller) {
            controller.enqueue(encoder.encode('{"users":[{"a":1},'));
            controller.error(new DOMException('The operation was aborted.', 'AbortError'));
          },
        }),
      );
    const viaJson = await failing().json().then(() => 'resolved', (error: unknown) => `${(error as Error).name}: ${(error as Error).message}`);
    const viaStream = await readJsonPicking(failing(), 'users', pick).then(() => 'resolved', (error: unknown) => `${(error as Error).name}: ${(error as Error).message}`);
    expect(viaStream).toBe(viaJson);
  });
});
