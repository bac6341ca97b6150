// Type-level proof that the hand-kept public declarations (types/sentry-spotlight.d.ts) match the
// implementation: `npx tsc` fails when they drift. Not imported by anything.
import type * as Declared from '../types/sentry-spotlight.d.ts';
import type * as Implemented from './index.ts';

type Same<A, B> = [A] extends [B] ? ([B] extends [A] ? true : false) : false;
const assert = <T extends true>(_: T) => {};

assert<Same<Declared.Anchor, Implemented.Anchor>>(true);
assert<Same<keyof Declared.SpotlightOptions, keyof Implemented.SpotlightOptions>>(true);
assert<Same<keyof Declared.SpotlightHandle, keyof Implemented.SpotlightHandle>>(true);
assert<Same<keyof Declared.StoredEnvelope, keyof Implemented.StoredEnvelope>>(true);
assert<Same<keyof typeof Declared, Exclude<keyof typeof Implemented, 'setScriptSidecarUrl'>>>(true);

// What a user passes (declared types) is accepted by the implementation, and what it returns fits the declaration.
export function usesDeclaredTypes(impl: typeof Implemented, options: Declared.SpotlightOptions): Declared.SpotlightHandle {
  const handle: Declared.SpotlightHandle = impl.init(options as Implemented.SpotlightOptions);
  const stored: Declared.StoredEnvelope = {} as Implemented.StoredEnvelope;
  handle.addEnvelope(stored.envelope as Implemented.InitialEvent);
  return handle;
}
