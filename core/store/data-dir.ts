import { closeSync, constants as fsConstants, existsSync, fchmodSync, fstatSync, lstatSync, mkdirSync, openSync, readdirSync, readFileSync, readlinkSync, realpathSync, type Stats } from 'node:fs';
import { homedir, userInfo } from 'node:os';
import { dirname, isAbsolute, join, parse, relative, resolve, sep } from 'node:path';

export interface DataDirSources {
  /** `--data-dir` from the command line. */
  flag?: string | undefined;
  /** The environment, for SYNCWARDEN_HOME and the OS folders. */
  env?: NodeJS.ProcessEnv;
  /** Electron's app.getPath('userData'), when running in the desktop shell. */
  electronUserData?: string | undefined;
  platform?: NodeJS.Platform;
  home?: string;
}

/** Where the store and logs live: --data-dir, else SYNCWARDEN_HOME, else Electron's userData, else the OS app-data folder. */
export function resolveDataDir(sources: DataDirSources = {}): string {
  const env = sources.env ?? process.env;
  if (sources.flag) return sources.flag;
  if (env.SYNCWARDEN_HOME) return env.SYNCWARDEN_HOME;
  if (sources.electronUserData) return sources.electronUserData;
  return osAppDataDir(sources.platform ?? process.platform, env, sources.home ?? homedir());
}

/** The folder Electron itself would choose for userData, so the CLI and the app share one store. */
function osAppDataDir(platform: NodeJS.Platform, env: NodeJS.ProcessEnv, home: string): string {
  switch (platform) {
    case 'darwin':
      return join(home, 'Library', 'Application Support', 'Syncwarden');
    case 'win32':
      return join(env.APPDATA ?? join(home, 'AppData', 'Roaming'), 'Syncwarden');
    default:
      // The XDG spec: an empty or relative XDG_CONFIG_HOME is ignored (a relative one would follow the working directory).
      return join(env.XDG_CONFIG_HOME && isAbsolute(env.XDG_CONFIG_HOME) ? env.XDG_CONFIG_HOME : join(home, '.config'), 'Syncwarden');
  }
}

/** The data dir holds the store and logs (run history, audit before-images): only its owner may read it. */
const PRIVATE_DIR_MODE = 0o700;
export const PRIVATE_FILE_MODE = 0o600;
/** The folder under the data dir that holds the logs (logging/logger.ts). */
const LOGS_DIR_NAME = 'logs';
const GROUP_WRITE = 0o020;
const OTHERS_WRITE = 0o002;
/** Only each entry's owner may remove it: the mark of a folder everyone shares (/tmp, /var/tmp). */
const STICKY = 0o1000;

/**
 * What Syncwarden itself keeps in a data dir: the store and SQLite's files beside it, the store pointer, the demo
 * workspace's marker and secrets, and the temporary files those two are written through (the logs folder is
 * checked apart). Kept here, not imported, because the modules that name them open the data dir through this one;
 * data-permissions.test.ts holds the list to what a real data dir holds.
 */
const OWN_DATA_FILE = /^(?:syncwarden\.db(?:-wal|-shm|-journal)?|store-location\.json(?:\.\d+\.tmp)?|DEMO-WORKSPACE|demo-secrets\.json(?:\.\d+\.tmp)?)$/;
/** The logger's files in the logs folder: syncwarden.log and its rolled copies. */
const OWN_LOG_FILE = /^syncwarden(?:\.\d+)?\.log$/;

/** Why a folder cannot be Syncwarden's: the CLI says it and exits 2 (bad input). */
export class DataDirRefusedError extends Error {
  readonly code = 'data-dir-refused';

  constructor(
    readonly dir: string,
    why: string,
  ) {
    super(`${dir} ${why}`);
    this.name = 'DataDirRefusedError';
  }
}

const octal = (mode: number) => (mode & 0o7777).toString(8).padStart(4, '0');

/** Where to go instead: the default data dir, unless the refused folder is that one or inside it. */
function elsewhere(dir: string): string {
  const fallback = resolveDataDir({ env: { ...process.env, SYNCWARDEN_HOME: '' } });
  const inside = relative(resolve(fallback), resolve(dir));
  if (inside === '' || (!inside.startsWith('..') && !isAbsolute(inside))) return 'Fix or move it, or give a folder of your own with --data-dir';
  return `Use ${fallback} (the default, with neither --data-dir nor SYNCWARDEN_HOME), or a new folder of your own`;
}

/** The file system's own refusals (a path that is a file, a folder we may not read) said as DataDirRefusedError. */
function asRefusal(dir: string, error: unknown): unknown {
  const code = (error as NodeJS.ErrnoException | null)?.code;
  if (code === 'EEXIST' || code === 'ENOTDIR') return new DataDirRefusedError(dir, `is not a folder (it, or a folder on its way, is a file). ${elsewhere(dir)}.`);
  if (code === 'EACCES' || code === 'EPERM') {
    const where = (error as NodeJS.ErrnoException).path;
    return new DataDirRefusedError(dir, `cannot be used: this user may not read or change ${where ?? 'it'} (another user's, or left by a run as root with sudo?). ${elsewhere(dir)}.`);
  }
  if (code === 'ENOENT') return new DataDirRefusedError(dir, `cannot be created: it, or a folder on its way, is a link to something that does not exist (an unmounted drive?). ${elsewhere(dir)}.`);
  if (code === 'ELOOP') return new DataDirRefusedError(dir, `is reached through too many links, or a loop of them. ${elsewhere(dir)}.`);
  return error;
}

/**
 * Makes `dir` the data dir: created 0700 when missing. An existing one must be a folder of ours (reached through
 * a link of the user's own, it is the folder linked to), and whatever in it has one of Syncwarden's names must be
 * Syncwarden's: a file or the logs folder of ours, never a link, a hard link or another user's file (SQLite and
 * the logger write through all of them, and root would chmod what they point at). Then:
 * - it holds only Syncwarden's entries: tightened to 0700 (a data dir an older version or a umask made wider);
 * - it holds other things too (a home or project folder): its mode stays, since tightening it would change who
 *   reaches the rest; Syncwarden's files in it are 0600 and its logs folder 0700 all the same;
 * - refused with DataDirRefusedError: a folder of another user, a sticky one (/tmp), one anyone may write in
 *   that does not already hold only Syncwarden's files, a path through a link another user made, or one the
 *   file system refuses (a file, a folder this user may not read). On a test machine a store opened as root
 *   straight in /tmp made /tmp 0700, and PostgreSQL (another user) lost it.
 * The folder's own mode is read and changed through one open handle, and its listing checked to be that folder's,
 * so a link swapped in meanwhile cannot redirect the chmod. No-op on Windows (ACLs, not modes).
 */
export function ensurePrivateDir(dir: string): void {
  const shown = resolve(dir);
  try {
    if (process.platform !== 'win32') refuseUnsafePath(dir, shown);
    mkdirSync(dir, { recursive: true, mode: PRIVATE_DIR_MODE });
    if (process.platform === 'win32') return;
    // Again, now that every folder on the way exists: a link planted while the path was still missing is caught.
    refuseUnsafePath(dir, shown);
    settleFolder(shown, realpathSync(dir), (name, path, stat) => {
      if (name === LOGS_DIR_NAME) {
        if (!stat.isDirectory()) throw new DataDirRefusedError(shown, `holds a ${stat.isSymbolicLink() ? 'link' : 'file'} named ${name}, where Syncwarden keeps its logs folder: move it away, or give another folder.`);
        if (!ownedByUs(stat.uid)) throw new DataDirRefusedError(shown, `holds a logs folder of another user (uid ${stat.uid}${stat.uid === 0 ? ': left by a run as root, with sudo?' : ''}), where Syncwarden keeps its logs: move it away, or give another folder.`);
        return !folderHoldsOthers(path, OWN_LOG_FILE);
      }
      return OWN_DATA_FILE.test(name) && ownFile(shown, name, stat);
    }, true);
  } catch (error) {
    throw asRefusal(shown, error);
  }
}

/** The logs folder of a data dir (ensurePrivateDir first): created 0700, or settled as the data dir is, by the log files' names. */
export function ensureLogsDir(dataDir: string): string {
  const dir = join(resolve(dataDir), LOGS_DIR_NAME);
  try {
    mkdirSync(dir, { recursive: true, mode: PRIVATE_DIR_MODE });
    if (process.platform !== 'win32') settleFolder(dir, realpathSync(dir), (name, _path, stat) => OWN_LOG_FILE.test(name) && ownFile(dir, name, stat), false);
  } catch (error) {
    throw asRefusal(dir, error);
  }
  return dir;
}

/**
 * The way to the data dir must be ours or root's alone, as OpenSSH asks of the way to authorized_keys: every link
 * and folder on it belongs to us or root, and no folder on it but a sticky one (/tmp) lets others add, remove or
 * rename entries (group- or world-writable); past a sticky folder the next entry is ours or root's, which the
 * same rule asks. Otherwise another user could plant or swap a link or a folder there (/tmp/syncwarden pointing at
 * a folder of root's, a team folder's member renaming our data dir) and make Syncwarden write into and chmod what
 * they chose, after any check of ours. Links are followed to their targets, whose way is checked the same way;
 * `..` is taken where the links lead, as the kernel takes it; a missing folder is one mkdir will create, ours.
 * The data dir itself is settled apart (settleFolder): a wide one of only our entries is tightened.
 */
function refuseUnsafePath(dir: string, shown: string): void {
  const start = isAbsolute(dir) ? dir : `${process.cwd()}${sep}${dir}`;
  let path = parse(start).root;
  const parts = start.slice(path.length).split(sep);
  for (let links = 0; parts.length > 0; ) {
    const part = parts.shift() as string;
    if (part === '' || part === '.') continue;
    if (part === '..') {
      path = dirname(path);
      continue;
    }
    // Whoever may write in the folder we are in may put something else in place of `part`: only its owner (us or
    // root, checked when we stepped in), or anyone where the folder is sticky and `part` is ours or root's.
    refuseOpenFolder(path, shown);
    const next = join(path, part);
    const stat = lstatOrGone(next);
    if (stat === undefined) {
      path = next; // mkdir creates it, a folder of ours (and the way is checked again once it has)
      continue;
    }
    if (stat.uid !== 0 && !ownedByUs(stat.uid)) throw new DataDirRefusedError(shown, `is reached through ${next}, which another user (uid ${stat.uid}) owns: they could put anything in its place. ${elsewhere(shown)}.`);
    if (!stat.isSymbolicLink()) {
      path = next;
      continue;
    }
    if (++links > 40) throw Object.assign(new Error('too many links'), { code: 'ELOOP' });
    const target = readlinkSync(next);
    if (isAbsolute(target)) path = parse(target).root;
    parts.unshift(...target.split(sep));
  }
}

/**
 * Whether others than the owner may add, remove or rename entries in a folder: world-writable, or group-writable
 * with a group that holds anyone but us. A group of one (Debian, Ubuntu and Fedora give each user a group of their
 * own, and umask 002, so `mkdir -p ~/.config` makes it 0775) lets no one else in: OpenSSH's Debian patch reads it so.
 */
function othersMayWrite(stat: Stats): boolean {
  if ((stat.mode & OTHERS_WRITE) !== 0) return true;
  return (stat.mode & GROUP_WRITE) !== 0 && !groupOfOnlyUs(stat.gid);
}

/** The gid is our own group and no one else's: no other user has it as their main group or is listed in it. */
function groupOfOnlyUs(gid: number): boolean {
  if (typeof process.getgid !== 'function' || typeof process.getuid !== 'function' || gid !== process.getgid()) return false;
  const uid = process.getuid();
  let me: string;
  let passwd: string;
  let group: string;
  try {
    me = userInfo().username;
    passwd = readFileSync('/etc/passwd', 'utf8');
    group = readFileSync('/etc/group', 'utf8');
  } catch {
    return false; // cannot tell (no /etc/group, as on macOS's directory services): not a group of one
  }
  const rows = (text: string) => text.split('\n').filter((line) => line && !line.startsWith('#')).map((line) => line.split(':'));
  if (rows(passwd).some((f) => Number(f[3]) === gid && Number(f[2]) !== uid)) return false;
  const entry = rows(group).find((f) => Number(f[2]) === gid);
  if (entry === undefined) return false;
  return (entry[3] ?? '').split(',').filter(Boolean).every((member) => member === me);
}

/** A folder on the way to the data dir (not the data dir itself) that others may write in, not sticky: refused. */
function refuseOpenFolder(path: string, shown: string): void {
  const stat = lstatOrGone(path);
  if (stat === undefined || (stat.mode & STICKY) !== 0 || !othersMayWrite(stat)) return;
  throw new DataDirRefusedError(shown, `is inside ${path}, where others may add, remove or rename entries (mode ${octal(stat.mode)}): they could put a link in place of the data dir. If the folder is yours alone, \`chmod go-w ${path}\` makes it safe; or: ${elsewhere(shown)}.`);
}

/**
 * Whether an entry that bears one of Syncwarden's file names is Syncwarden's own: a regular file of ours with one
 * name. Anything else with that name is refused: a link or a hard link (SQLite and the logger would write into
 * what it shares), a folder or special file, or a file of another user (our store or logs would go into a file
 * they own and may read).
 */
function ownFile(dir: string, name: string, stat: Stats): true {
  if (isOwnSingleFile(stat)) return true;
  const what = stat.isSymbolicLink() ? 'a link' : !stat.isFile() ? 'a folder or special file' : !ownedByUs(stat.uid) ? `another user's file (uid ${stat.uid})` : `a file with ${stat.nlink} names (a hard link)`;
  throw new DataDirRefusedError(dir, `holds ${name} as ${what}, a name Syncwarden writes to: it stops rather than write into it. Move it away, or give another folder.`);
}

/**
 * `isOwn(name, path, lstat)`: whether an entry is Syncwarden's (it throws for one that has its name and is not).
 * `refuseEmptyShared`: whether an empty folder anyone may write in is refused (a data dir: yes; the logs folder
 * inside one of ours: no, it is ours by where it is). `real`: `dir` with its links resolved.
 */
function settleFolder(dir: string, real: string, isOwn: (name: string, path: string, stat: Stats) => boolean, refuseEmptyShared: boolean): void {
  const fd = openSync(real, fsConstants.O_RDONLY | fsConstants.O_DIRECTORY | fsConstants.O_NOFOLLOW);
  try {
    const stat = fstatSync(fd);
    if (!ownedByUs(stat.uid)) throw new DataDirRefusedError(dir, `belongs to another user (uid ${stat.uid}): Syncwarden keeps its store, run history and logs in a folder of your own. ${elsewhere(dir)}.`);
    const shared = () =>
      new DataDirRefusedError(
        dir,
        `is shared: others on this machine may add, remove or rename files in it (mode ${octal(stat.mode)}). Syncwarden keeps its store, run history and logs in a folder only you can write in, and does not change this one's permissions (that would lock the others out of it). ${elsewhere(dir)}.`,
      );
    if ((stat.mode & STICKY) !== 0) throw shared();
    const names = readdirSync(real);
    const now = lstatSync(real);
    if (now.ino !== stat.ino || now.dev !== stat.dev) throw new DataDirRefusedError(dir, 'changed while Syncwarden was reading it: try again.');
    const sort = (listed: readonly string[]) => {
      const own: string[] = [];
      let others = false;
      for (const name of listed) {
        const path = join(real, name);
        const entry = lstatOrGone(path);
        // Gone since the listing: another process closed the store (SQLite removes -wal and -shm) or rolled a log.
        if (entry === undefined) continue;
        if (isOwn(name, path, entry)) own.push(path);
        else others = true;
      }
      return { own, others };
    };
    let { own, others } = sort(names);
    // A folder others may write in is ours only when it holds nothing but our entries (then tightened): with other
    // things in it (a team's project folder), someone else could swap our files for links after any check.
    const wide = othersMayWrite(stat);
    if (wide && (others || (refuseEmptyShared && own.length === 0 && (stat.mode & OTHERS_WRITE) !== 0))) throw shared();
    if (!others && (stat.mode & 0o777) !== PRIVATE_DIR_MODE) {
      fchmodSync(fd, PRIVATE_DIR_MODE);
      // Others could still add entries until that chmod: now no one else can, so what it holds is checked once more.
      if (wide) ({ own, others } = sort(readdirSync(real)));
      if (wide && others) throw new DataDirRefusedError(dir, 'changed while Syncwarden was making it private (entries of someone else appeared in it): look at what it holds before using it.');
    }
    makeFilesPrivate(...own);
  } finally {
    closeSync(fd);
  }
}

/** Whether `path` is a regular file of ours with one name: not a link, not a hard link, not another user's (a marker we trust). */
export function isOwnFile(path: string): boolean {
  if (process.platform === 'win32') return existsSync(path);
  const stat = lstatOrGone(path);
  return stat !== undefined && isOwnSingleFile(stat);
}

/** As lstat sees it: a regular file of ours with one name (not a link, not a hard link, not another user's). */
function isOwnSingleFile(stat: Stats): boolean {
  return stat.isFile() && ownedByUs(stat.uid) && stat.nlink === 1;
}

function lstatOrGone(path: string): Stats | undefined {
  try {
    return lstatSync(path);
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code === 'ENOENT') return undefined;
    throw error;
  }
}

/** Whether a folder holds anything but files named by `own` (the logs folder of a data dir: only log files). */
function folderHoldsOthers(dir: string, own: RegExp): boolean {
  return readdirSync(dir).some((name) => {
    const stat = lstatOrGone(join(dir, name));
    return stat !== undefined && (!own.test(name) || !isOwnSingleFile(stat));
  });
}

/** Tightens each existing file of ours to 0600 (missing files, folders and links are skipped: a link is never followed). */
export function makeFilesPrivate(...files: string[]): void {
  if (process.platform === 'win32') return;
  for (const file of files) {
    let fd: number;
    try {
      fd = openSync(file, fsConstants.O_RDONLY | fsConstants.O_NOFOLLOW | fsConstants.O_NONBLOCK);
    } catch {
      continue;
    }
    try {
      const stat = fstatSync(fd);
      if (stat.isFile() && ownedByUs(stat.uid) && (stat.mode & 0o777) !== PRIVATE_FILE_MODE) fchmodSync(fd, PRIVATE_FILE_MODE);
    } finally {
      closeSync(fd);
    }
  }
}

/** Creates an empty file as 0600 if it does not exist, so what is written later (SQLite's -wal/-shm copy its mode) is never readable by others. */
export function createPrivateFile(file: string): void {
  closeSync(openSync(file, 'a', PRIVATE_FILE_MODE));
  makeFilesPrivate(file);
}

function ownedByUs(uid: number): boolean {
  return typeof process.getuid !== 'function' || process.getuid() === uid;
}
