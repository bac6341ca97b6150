import { setFlagsFromString } from 'node:v8';

/**
 * V8 settings for the sidecar's workload, applied by the CLI once it listens (the process is the
 * CLI's; a library user's process is not ours to tune). Given as Node options, they would cost 25
 * to 50 ms of start-up (V8 then rejects Node's code cache, whose flags no longer match), on the
 * path of the first envelope; set here, they apply to what runs next.
 */
export const V8_FLAGS: readonly string[] = [
  // Every stored envelope outlives V8's young generation, which V8 reads as a program whose objects
  // survive: it grows the young generation to 32 MiB, and promoted request objects pile up in the
  // old generation for 16 MiB or more before a full collection. Neither is given back until the
  // process idles. These two keep both small: the young generation at its first size, the old one
  // collected once it grew by a tenth (or V8's minimum step) past what the last collection kept.
  // (`--optimize-for-size` kept the old generation as small, but made every full collection a
  // memory-reducing one: a fresh sidecar filling its buffer spent 8 to 14 % more CPU per envelope.)
  '--semi-space-growth-factor=1',
  '--heap-growing-percent=10',
  // A lazily started sidecar meets a burst of envelopes right away, while its few hot functions
  // (the JSON syntax check, the frame builder, the request path) still run unoptimized. A quarter
  // of the default budget has them optimized after a quarter of the calls: the first thousands of
  // envelopes took about 20 % less CPU in the benchmark, the steady state is the same.
  '--interrupt-budget=16384',
  // Those functions sit on top of Node's stream and HTTP code, and TurboFan inlines up to 920 bytes
  // of bytecode into each, on helper threads that compete with the app for its cores: in the
  // benchmark's burst of 3,000 envelopes after a warm-up of 500, its jobs took 400 to 500 ms. Half
  // that budget cut them to about 300 ms and the CPU per envelope of the burst by 9 to 19 %; once
  // warm, the CPU per envelope is the same (a third of the budget did cost there).
  '--max-inlined-bytecode-size-cumulative=450',
];

export function tuneV8(): void {
  for (const flag of V8_FLAGS) setFlagsFromString(flag);
}
