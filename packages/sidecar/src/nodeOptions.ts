/**
 * The Node options the sidecar runs with, for whoever launches it (sdk-hooks' lazy start, `npm start`,
 * the bench). Exported on its own (`@spotlight/sidecar/node-options`) so that a launcher does not load
 * the server. They cannot be set from inside the process: V8 sizes its heap before any script runs.
 *
 * Both keep a busy sidecar's memory near its buffer (bench/README.md: 100,000 envelopes grew it by
 * 26 to 30 MiB with them, 45 to 50 with the first alone, 60 to 90 with neither; CPU per envelope
 * the same within noise):
 * - `--max-semi-space-size=2` (MiB): every stored envelope outlives V8's young generation, and V8
 *   grows the young generation each time as many bytes survived as it holds, up to 16 MiB
 *   semi-spaces: 32 MiB that only an idle-time GC gives back.
 * - `--optimize-for-size`: request objects alive at a young collection are promoted and die in the
 *   old generation, which V8 otherwise lets grow by 16 MiB or more of such garbage before a full
 *   collection; this lowers the step to 4 MiB.
 */
export const SIDECAR_NODE_OPTIONS: readonly string[] = ['--max-semi-space-size=2', '--optimize-for-size'];
