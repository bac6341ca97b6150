import type { ServerResponse } from 'node:http';
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
  let files: Promise<Middleware> | undefined;
  return (req, res, next) => {
    files ??= Promise.all([import('serve-static'), dir ?? defaultOverlayDir()]).then(([{ default: serveStatic }, root]) =>
      root === undefined
        ? (_req, _res, skip) => skip()
        : serveStatic<ServerResponse>(root, {
            index: ['index.html'],
            cacheControl: false,
            dotfiles: 'ignore',
            setHeaders: (file) => file.setHeader('Cache-Control', 'no-cache'),
          }),
    );
    files.then((serve) => serve(req, res, next), next);
  };
}
