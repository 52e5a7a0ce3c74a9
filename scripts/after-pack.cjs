'use strict';
/**
 * electron-builder `afterPack` hook (electron-builder.yml): flips Electron's
 * fuses in the packaged binary before it is signed, so a shipped Syncwarden
 * cannot be turned into a plain Node (ELECTRON_RUN_AS_NODE), cannot be fed
 * code through NODE_OPTIONS nor driven by a debugger (--inspect, SIGUSR1: a
 * debugger evaluates any code in the main process, the same door as
 * RunAsNode), loads its app only from app.asar, refuses an
 * app.asar whose hash differs from the one recorded at packaging (macOS,
 * Windows) and encrypts its cookies at rest. The other fuses keep Electron's
 * defaults. Checked offline by tests/unit/electron-fuses.test.ts.
 */
const { FuseV1Options, FuseVersion } = require('@electron/fuses');

/** The fuses we set, by their FuseV1Options names (what the test reads). */
const FUSES = Object.freeze({
  RunAsNode: false,
  EnableNodeOptionsEnvironmentVariable: false,
  EnableNodeCliInspectArguments: false,
  OnlyLoadAppFromAsar: true,
  EnableEmbeddedAsarIntegrityValidation: true,
  EnableCookieEncryption: true,
});

/** The @electron/fuses config for one packaged platform. */
function fuseConfig(electronPlatformName) {
  const config = { version: FuseVersion.V1 };
  for (const [name, value] of Object.entries(FUSES)) config[FuseV1Options[name]] = value;
  // Flipping fuses breaks the ad-hoc signature of macOS arm64 binaries; re-sign ad hoc (real signing follows).
  if (electronPlatformName === 'darwin' || electronPlatformName === 'mas') config.resetAdHocDarwinSignature = true;
  return config;
}

/** @param {{ electronPlatformName: string, packager: { addElectronFuses(context: unknown, fuses: unknown): Promise<unknown> } }} context */
async function afterPack(context) {
  await context.packager.addElectronFuses(context, fuseConfig(context.electronPlatformName));
}

module.exports = afterPack;
module.exports.afterPack = afterPack;
module.exports.default = afterPack;
module.exports.FUSES = FUSES;
module.exports.fuseConfig = fuseConfig;
