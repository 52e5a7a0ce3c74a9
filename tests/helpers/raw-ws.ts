import { randomBytes } from 'node:crypto';
import { connect, type Socket } from 'node:net';

/**
 * A hand-made WebSocket client over a raw TCP socket, for tests that must send
 * what no well-behaved library would: broken frames, resets mid-handshake.
 */
export interface RawUpgradeOptions {
  port: number;
  token?: string | undefined;
  host?: string;
  origin?: string;
  path?: string;
}

export function upgradeRequest(options: RawUpgradeOptions): string {
  const path = options.path ?? `/ws${options.token === undefined ? '' : `?token=${options.token}`}`;
  return [
    `GET ${path} HTTP/1.1`,
    `Host: ${options.host ?? `127.0.0.1:${options.port}`}`,
    'Upgrade: websocket',
    'Connection: Upgrade',
    `Sec-WebSocket-Key: ${randomBytes(16).toString('base64')}`,
    'Sec-WebSocket-Version: 13',
    `Origin: ${options.origin ?? `http://127.0.0.1:${options.port}`}`,
    '',
    '',
  ].join('\r\n');
}

export function rawConnect(port: number): Promise<Socket> {
  return new Promise((resolve, reject) => {
    const socket = connect({ host: '127.0.0.1', port }, () => resolve(socket));
    socket.once('error', reject);
  });
}

/** Everything the server sends until it closes (or `timeoutMs`), as one buffer. */
export function readAll(socket: Socket, timeoutMs = 3000): Promise<Buffer> {
  return new Promise((resolve) => {
    const chunks: Buffer[] = [];
    const done = () => {
      clearTimeout(timer);
      resolve(Buffer.concat(chunks));
    };
    const timer = setTimeout(() => {
      socket.destroy();
      done();
    }, timeoutMs);
    socket.on('data', (chunk: Buffer) => chunks.push(chunk));
    socket.on('error', () => {});
    socket.once('close', done);
  });
}

/** Opens a real WebSocket by hand; resolves once the 101 arrived, with any bytes after it. */
export async function rawOpen(options: RawUpgradeOptions): Promise<{ socket: Socket; rest: Buffer[] }> {
  const socket = await rawConnect(options.port);
  socket.on('error', () => {});
  socket.write(upgradeRequest(options));
  const rest: Buffer[] = [];
  await new Promise<void>((resolve, reject) => {
    let head = Buffer.alloc(0);
    const onData = (chunk: Buffer) => {
      head = Buffer.concat([head, chunk]);
      const end = head.indexOf('\r\n\r\n');
      if (end < 0) return;
      socket.off('data', onData);
      const status = head.subarray(0, end).toString('latin1').split('\r\n')[0] ?? '';
      if (!status.includes(' 101 ')) return reject(new Error(`upgrade refused: ${status}`));
      if (head.length > end + 4) rest.push(head.subarray(end + 4));
      socket.on('data', (more: Buffer) => rest.push(more));
      resolve();
    };
    socket.on('data', onData);
  });
  return { socket, rest };
}

export interface FrameOptions {
  opcode: number;
  payload?: Buffer;
  fin?: boolean;
  rsv?: number;
  masked?: boolean;
  /** Announce this length instead of the payload's (an over-size header needs no body). */
  announcedLength?: number;
}

export function encodeFrame(options: FrameOptions): Buffer {
  const payload = options.payload ?? Buffer.alloc(0);
  const length = options.announcedLength ?? payload.length;
  const masked = options.masked ?? true;
  const first = ((options.fin ?? true) ? 0x80 : 0) | ((options.rsv ?? 0) << 4) | options.opcode;
  let header: Buffer;
  if (length < 126) header = Buffer.from([first, (masked ? 0x80 : 0) | length]);
  else if (length < 65536) {
    header = Buffer.alloc(4);
    header[0] = first;
    header[1] = (masked ? 0x80 : 0) | 126;
    header.writeUInt16BE(length, 2);
  } else {
    header = Buffer.alloc(10);
    header[0] = first;
    header[1] = (masked ? 0x80 : 0) | 127;
    header.writeBigUInt64BE(BigInt(length), 2);
  }
  if (!masked) return Buffer.concat([header, payload]);
  const key = randomBytes(4);
  const body = Buffer.from(payload.map((byte, i) => byte ^ (key[i % 4] ?? 0)));
  return Buffer.concat([header, key, body]);
}

/** The status code of the first close frame the server sent, if any (server frames are unmasked). */
export function closeCodeOf(bytes: Buffer): number | undefined {
  let offset = 0;
  while (offset + 2 <= bytes.length) {
    const opcode = (bytes[offset] ?? 0) & 0x0f;
    let length = (bytes[offset + 1] ?? 0) & 0x7f;
    let start = offset + 2;
    if (length === 126) {
      length = bytes.readUInt16BE(start);
      start += 2;
    } else if (length === 127) {
      length = Number(bytes.readBigUInt64BE(start));
      start += 8;
    }
    if (opcode === 0x8) return length >= 2 ? bytes.readUInt16BE(start) : 1005;
    offset = start + length;
  }
  return undefined;
}
