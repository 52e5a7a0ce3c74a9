import { once } from 'node:events';
import { join } from 'node:path';
import { pino, type Logger as PinoLogger, type LoggerOptions } from 'pino';
import roll from 'pino-roll';
import { ensureLogsDir, ensurePrivateDir, PRIVATE_FILE_MODE } from '../store/data-dir';
import { redact, redactString } from './redact';

export type Logger = PinoLogger;


/**
 * Every argument is redacted before pino serialises it, so neither merge
 * objects nor interpolated message strings can carry a token into a log.
 */
const redactingOptions: LoggerOptions = {
  base: { app: 'syncwarden' },
  timestamp: pino.stdTimeFunctions.isoTime,
  hooks: {
    logMethod(args, method) {
      const cleaned = args.map((arg) => (typeof arg === 'string' ? redactString(arg) : redact(arg)));
      return method.apply(this, cleaned as Parameters<typeof method>);
    },
  },
};

export interface FileLoggerOptions {
  dataDir: string;
  level?: string;
  /** Rotate when a file reaches this size; keep this many old files. */
  maxSize?: string;
  keep?: number;
}

/** Structured JSON logs in <dataDir>/logs/syncwarden.N.log, rotated by size. */
export type FileLogger = Logger & { close(): Promise<void> };

export async function createFileLogger(options: FileLoggerOptions): Promise<FileLogger> {
  // Logs name users, files and runs: the folder is 0700 and every log file 0600, old ones tightened too (data-dir.ts).
  ensurePrivateDir(options.dataDir);
  const dir = ensureLogsDir(options.dataDir);
  const stream = await roll({
    file: join(dir, 'syncwarden.log'),
    mode: PRIVATE_FILE_MODE,
    size: options.maxSize ?? '10m',
    limit: { count: options.keep ?? 5 },
    mkdir: true,
  });
  // A log file that cannot be written (its folder removed under the process, a full or read-only disk) loses its
  // lines, never the process: an 'error' with no listener would be an uncaught exception. Said once on stderr.
  const events = stream as unknown as NodeJS.EventEmitter;
  let failed: Error | undefined;
  events.on('error', (error: Error) => {
    if (failed) return;
    failed = error;
    process.stderr.write(`syncwarden: cannot write its log in ${dir} (${error.message}); going on without it\n`);
  });
  // A line logged after close() is dropped: the file stream throws ('SonicBoom destroyed') on a write once it
  // has closed, and a late line is common (a pool's connection error arriving after the CLI closed its log). The
  // same for a stream that failed: its lines are lost already, and a throw would reach the logging caller.
  let closing = false;
  const destination = {
    write(line: string): void {
      if (closing || failed) return;
      try {
        stream.write(line);
      } catch {
        // Destroyed between the checks and the write: the line is lost, never the caller.
      }
    },
  };
  const logger = pino({ ...redactingOptions, level: options.level ?? process.env.SYNCWARDEN_LOG_LEVEL ?? 'info' }, destination);
  return Object.assign(logger, {
    /** Writes what is buffered and closes the file (safe before the file finished opening, and after it failed). Later lines are dropped. */
    async close() {
      if (closing || failed) return;
      closing = true;
      const closed = Promise.race([once(events, 'close'), once(events, 'error')]).catch(() => undefined);
      stream.end();
      await closed;
    },
  });
}

/** Logs to any stream (tests, stderr); same redaction. */
export function createStreamLogger(stream: NodeJS.WritableStream, level = 'info'): Logger {
  return pino({ ...redactingOptions, level }, stream as unknown as pino.DestinationStream);
}

export function createSilentLogger(): Logger {
  return pino({ ...redactingOptions, level: 'silent' });
}
