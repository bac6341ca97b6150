import type { ServerResponse } from 'node:http';
import { lazy } from '../middleware/lazy.ts';
import type { Middleware } from '../middleware/types.ts';
import { defaultOverlayDir } from '../overlayDir.ts';

/**
 * The built overlay: `GET /` is its index.html, `/assets/*` its files (`/assets/main.js` has a
 * stable name), revalidated on every load (`Cache-Control: no-cache`), by serve-static (what
 * `express.static` is). What is not there (nothing, until the overlay is built) falls through to
 * the next route. `dir` undefined: sentry-spotlight's dist/. Both serve-static and the folder are
 * looked up at the first request: neither belongs on a cold start.
 */
export function overlayFiles(dir: string | undefined): Middleware {
  return lazy(async () => {
    const [{ default: serveStatic }, root] = await Promise.all([import('serve-static'), dir ?? defaultOverlayDir()]);
    if (root === undefined) return (_req, _res, next) => next();
    return serveStatic<ServerResponse>(root, {
      index: ['index.html'],
      cacheControl: false,
      dotfiles: 'ignore',
      setHeaders: (file) => file.setHeader('Cache-Control', 'no-cache'),
    });
  });
}
