/**
 * V8 heap settings for the sidecar's workload, applied by the CLI once it listens (the process is
 * the CLI's; a library user's process is not ours to tune).
 *
 * Every stored envelope outlives V8's young generation, which V8 reads as a program whose objects
 * survive: it grows the young generation to 32 MiB, and promoted request objects pile up in the old
 * generation for 16 MiB or more before a full collection. Neither is given back until the process
 * idles. Given as Node options, the same settings cost 25 to 50 ms of start-up (V8 then rejects Node's
 * code cache, whose flags no longer match), on the path of the first envelope; set here, they apply to
 * the collections that follow.
 */
export const HEAP_FLAGS: readonly string[] = ['--semi-space-growth-factor=1', '--optimize-for-size'];

export async function tuneHeap(): Promise<void> {
  const { setFlagsFromString } = await import('node:v8');
  for (const flag of HEAP_FLAGS) setFlagsFromString(flag);
}
