import { linkSync, mkdirSync, readFileSync, renameSync, unlinkSync, writeFileSync } from 'node:fs';
import path from 'node:path';

/**
 * PGlite is one process's database: two processes on one data directory each work on their own copy of
 * its pages, and the one that closes last writes its copy back over the other's writes (a revoked API key
 * came back that way). So whoever opens PGlite on a directory first takes this lock file, holding its pid.
 */
export const LOCK_FILE_NAME = 'minsheng.lock';

/** Another live process holds the data directory; the message is the one line to show. */
export class DataDirInUse extends Error {
  constructor(
    readonly dataDir: string,
    readonly holderPid: number,
    readonly lockFile: string,
  ) {
    super(
      `The embedded database in ${dataDir} is in use by process ${holderPid}: stop that server (or command) first, ` +
        `or set DATABASE_URL to a PostgreSQL database, which several processes can share. (If no process ${holderPid} is running, delete ${lockFile}.)`,
    );
  }
}

export interface DataDirLock {
  readonly file: string;
  /** Removes the lock file if it is still this process's; safe to call twice. */
  release(): void;
}

// Lock files this process holds: opening a directory twice in one process is refused too.
const heldHere = new Set<string>();

export function lockDataDir(dataDir: string): DataDirLock {
  mkdirSync(dataDir, { recursive: true });
  const file = path.join(dataDir, LOCK_FILE_NAME);
  if (heldHere.has(file)) throw new DataDirInUse(dataDir, process.pid, file);
  // Written whole under a name of our own, then linked into place: link fails if the lock exists, and
  // nobody ever reads a lock file before its pid is in it.
  const draft = `${file}.${process.pid}`;
  writeFileSync(draft, `${process.pid}\n`);
  try {
    for (let attempt = 0; ; attempt++) {
      try {
        linkSync(draft, file);
        break;
      } catch (error) {
        if ((error as NodeJS.ErrnoException).code !== 'EEXIST' || attempt >= 3) throw error;
      }
      const holder = holderOf(file);
      // Our own pid in a lock we do not hold is a previous life's (a container's pid 1, say).
      if (holder !== undefined && holder !== process.pid && isAlive(holder)) throw new DataDirInUse(dataDir, holder, file);
      takeOverStale(file, holder);
    }
  } finally {
    unlinkSync(draft);
  }
  heldHere.add(file);
  const release = () => {
    if (!heldHere.delete(file)) return;
    process.off('exit', release);
    if (holderOf(file) === process.pid) unlinkSync(file);
  };
  process.on('exit', release); // an exit without close (an error at start-up) must not leave the lock behind
  return { file, release };
}

/** The pid a lock file names; undefined when it is gone or unreadable. */
function holderOf(file: string): number | undefined {
  try {
    const pid = Number.parseInt(readFileSync(file, 'utf8'), 10);
    return Number.isInteger(pid) && pid > 0 ? pid : undefined;
  } catch {
    return undefined;
  }
}

function isAlive(pid: number): boolean {
  try {
    process.kill(pid, 0);
    return true;
  } catch (error) {
    return (error as NodeJS.ErrnoException).code === 'EPERM'; // alive, only not ours to signal
  }
}

/**
 * Removes a lock left by a process that is gone. Moved aside first and checked, so that of two processes
 * taking over the same stale lock at once, the slower one does not remove the faster one's new lock.
 */
function takeOverStale(file: string, stalePid: number | undefined): void {
  const aside = `${file}.stale.${process.pid}`;
  try {
    renameSync(file, aside);
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code === 'ENOENT') return; // someone else moved it: try again
    throw error;
  }
  try {
    if (holderOf(aside) !== stalePid) linkSync(aside, file); // a live lock taken in the race: put it back
  } catch {
    // A third process took the place meanwhile: the next attempt reads its lock.
  } finally {
    unlinkSync(aside);
  }
}
