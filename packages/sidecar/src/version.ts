import pkg from '../package.json' with { type: 'json' };

/** The sidecar's version (bundled into dist at build time). */
export const VERSION: string = pkg.version;
