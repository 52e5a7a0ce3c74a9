declare module 'pino-roll' {
  import type { DestinationStream } from 'pino';

  interface PinoRollOptions {
    file: string | (() => string);
    size?: string | number;
    frequency?: 'daily' | 'hourly' | number;
    extension?: string;
    mkdir?: boolean;
    limit?: { count?: number; removeOtherLogFiles?: boolean };
    sync?: boolean;
    /** Passed to SonicBoom: the mode of each log file it creates. */
    mode?: number;
  }

  export default function build(options: PinoRollOptions): Promise<DestinationStream & { end(): void; flushSync(): void; on(event: string, listener: () => void): void }>;
}
