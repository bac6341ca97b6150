/**
 * The Node options the sidecar runs with, for whoever launches it (sdk-hooks' lazy start, `npm start`,
 * the bench). Exported on its own (`@spotlight/sidecar/node-options`) so that a launcher does not load
 * the server.
 *
 * `--max-semi-space-size=2` (MiB): every stored envelope outlives V8's young generation, and V8 grows
 * the young generation each time as many bytes survived as it holds, up to 16 MiB semi-spaces: 32 MiB
 * that only an idle-time GC gives back, so whether a busy sidecar holds them is down to timing.
 * Capped, it never holds more than 4 MiB, at the same CPU per envelope (bench/README.md). It cannot be
 * set from inside the process: V8 sizes the heap before any script runs.
 */
export const SIDECAR_NODE_OPTIONS: readonly string[] = ['--max-semi-space-size=2'];
