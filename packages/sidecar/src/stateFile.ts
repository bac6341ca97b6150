import { readFileSync, renameSync, rmSync, writeFileSync } from 'node:fs';

/** What `--state-file` holds while the sidecar runs: how a tool that started it finds it. */
export interface SidecarState {
  readonly url: string;
  readonly port: number;
  readonly pid: number;
  readonly startedAt: string;
}

/** Writes atomically (temp file, then rename): a reader never sees half a file. */
export function writeStateFile(path: string, state: SidecarState): void {
  const temp = `${path}.${process.pid}.tmp`;
  writeFileSync(temp, `${JSON.stringify(state)}\n`, { mode: 0o600 });
  renameSync(temp, path);
}

/** Removes the file if it is still ours (another sidecar may have taken it over). */
export function removeStateFile(path: string, pid: number): void {
  try {
    const state = JSON.parse(readFileSync(path, 'utf8')) as Partial<SidecarState>;
    if (state.pid === pid) rmSync(path, { force: true });
  } catch {
    // Already gone or unreadable: nothing of ours to remove.
  }
}
