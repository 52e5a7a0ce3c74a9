import { Command } from 'commander';
import { startBrowserServer } from '../../server/browser-server';
import { demoImageOrigins } from '../../server/demo-image-origins';
import { openCliApp, type GlobalOptions } from '../context';
import { EXIT } from '../exit-codes';
import { resolveRendererDir } from '../renderer-dir';
import { positiveIntOrZero } from '../parse';

export function serveCommand(globals: () => GlobalOptions): Command {
  return new Command('serve')
    .description('Run the console in a browser (no display or no Electron needed): 127.0.0.1 only, token in the printed URL')
    .option('--port <port>', 'port on 127.0.0.1 (0 picks a free one)', positiveIntOrZero, 4477)
    .option('--renderer-dir <dir>', 'the built renderer (default: out/renderer)')
    .action(async (opts: { port: number; rendererDir?: string }) => {
      const options = globals();
      const app = await openCliApp(options, 'browser');
      // Read once at start: the demo makes its connections before it starts this server.
      const imageOrigins = demoImageOrigins(app.dataDir, await app.store.connections.list());
      const server = await startBrowserServer({ app, rendererDir: resolveRendererDir(opts.rendererDir), port: opts.port, imageOrigins }).catch(
        async (error: unknown) => {
          await app.dispose();
          throw error;
        },
      );
      // Browser mode stays up like the desktop app, so it runs the schedules too.
      app.scheduler.start();
      app.log.info({ port: server.port }, 'browser mode listening');
      process.stdout.write(
        options.json
          ? `${JSON.stringify({ url: server.url, port: server.port, dataDir: app.dataDir })}\n`
          : `Syncwarden is running in browser mode.\n  Open: ${server.url}\n  Data: ${app.dataDir}\nPress Ctrl-C to stop.\n`,
      );
      const signal = await new Promise<NodeJS.Signals>((resolve) => {
        process.once('SIGINT', () => resolve('SIGINT'));
        process.once('SIGTERM', () => resolve('SIGTERM'));
      });
      await server.close();
      await app.dispose();
      // As the help says (and as the daemon does): Ctrl-C is 130, a service manager's SIGTERM a clean 0.
      process.exitCode = signal === 'SIGINT' ? EXIT.interrupted : EXIT.ok;
    });
}
