import { runCli } from './program';

// Entry of the `syncwarden` bin (bundled to out/main/cli.js).
void runCli(process.argv.slice(2)).then((code) => {
  process.exitCode = code;
});
