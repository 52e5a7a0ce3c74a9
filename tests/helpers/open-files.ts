import { readdirSync, readlinkSync } from 'node:fs';

/** The files under `dir` this process holds open (Linux: /proc/self/fd); a descriptor closed meanwhile is skipped. */
export function openFilesUnder(dir: string): string[] {
  return readdirSync('/proc/self/fd')
    .flatMap((fd) => {
      try {
        return [readlinkSync(`/proc/self/fd/${fd}`)];
      } catch {
        return [];
      }
    })
    .filter((target) => target.startsWith(`${dir}/`));
}
