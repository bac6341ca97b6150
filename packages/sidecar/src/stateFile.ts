import { readFileSync, renameSync, rmSync, writeFileSync } from 'node:fs';
import { parseSidecarState, type SidecarState } from '@spotlight/envelope';

/** Writes atomically (temp file, then rename): a reader never sees half a file. */
export function writeStateFile(path: string, state: SidecarState): void {
  const temp = `${path}.${process.pid}.tmp`;
  writeFileSync(temp, `${JSON.stringify(state)}\n`, { mode: 0o600 });
  renameSync(temp, path);
}

/** Removes the file if it is still ours (another sidecar may have taken it over). */
export function removeStateFile(path: string, pid: number): void {
  try {
    if (parseSidecarState(readFileSync(path, 'utf8'))?.pid === pid) rmSync(path, { force: true });
  } catch {
    // Already gone or unreadable: nothing of ours to remove.
  }
}
