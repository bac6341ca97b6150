// One colour per service within a trace (by order of appearance), so a waterfall reads at a glance
// which spans ran where. Full class names: Tailwind only builds classes it finds in the source.
const PALETTE = [
  { bar: 'bg-sky-400/80', chip: 'bg-sky-400/10 text-sky-300 ring-sky-400/30', dot: 'bg-sky-400' },
  { bar: 'bg-violet-400/80', chip: 'bg-violet-400/10 text-violet-300 ring-violet-400/30', dot: 'bg-violet-400' },
  { bar: 'bg-emerald-400/80', chip: 'bg-emerald-400/10 text-emerald-300 ring-emerald-400/30', dot: 'bg-emerald-400' },
  { bar: 'bg-amber-300/80', chip: 'bg-amber-300/10 text-amber-200 ring-amber-300/30', dot: 'bg-amber-300' },
  { bar: 'bg-pink-400/80', chip: 'bg-pink-400/10 text-pink-300 ring-pink-400/30', dot: 'bg-pink-400' },
  { bar: 'bg-cyan-300/80', chip: 'bg-cyan-300/10 text-cyan-200 ring-cyan-300/30', dot: 'bg-cyan-300' },
] as const;

export type ServiceColor = (typeof PALETTE)[number];

export function serviceColor(index: number): ServiceColor {
  return PALETTE[((index % PALETTE.length) + PALETTE.length) % PALETTE.length] as ServiceColor;
}

/** Colours for a list of service keys, in order. */
export function serviceColors(keys: readonly string[]): ReadonlyMap<string, ServiceColor> {
  return new Map(keys.map((key, i) => [key, serviceColor(i)]));
}

export const ERROR_BAR = 'bg-red-400/90';
