import { scriptJson } from '../express/error-page-html.ts';

/** The virtual module the page loads; Vite serves `\0`-prefixed ids under `/@id/__x00__`. */
export const CLIENT_MODULE_ID = 'virtual:spotlight/client';
export const RESOLVED_CLIENT_MODULE_ID = `\0${CLIENT_MODULE_ID}`;
export const CLIENT_MODULE_URL = `/@id/__x00__${CLIENT_MODULE_ID}`;

/** Served by the sidecar (the overlay's dist/assets/hook.js): connects the page's Sentry SDK before the app runs. */
export const HOOK_PATH = '/assets/hook.js';

/** HMR events between the plugin and the page. */
export const ERROR_EVENT = 'spotlight:error';
export const READY_EVENT = 'spotlight:ready';

/**
 * The page side: seeds `window.__spotlight.initOptions`, loads the overlay from the sidecar (its stable
 * `/assets/main.js`, so the page needs no dependency and always matches the sidecar), and opens the overlay on
 * each build error the plugin reports. It is its own module, so it runs even when the app's entry fails to compile.
 */
export function clientModuleCode(initOptions: Record<string, unknown> & { sidecarUrl: string }): string {
  return `const initOptions = ${scriptJson(initOptions)};
const spotlight = (window.__spotlight = window.__spotlight || {});
spotlight.initOptions = Object.assign({}, initOptions, spotlight.initOptions);
const handle = () => globalThis[Symbol.for('sentry-spotlight.instance')];
const loaded = import(/* @vite-ignore */ initOptions.sidecarUrl + '/assets/main.js').catch((error) => {
  console.warn('[spotlight] could not load the overlay from ' + initOptions.sidecarUrl + ': is the sidecar running?', error);
});
if (import.meta.hot) {
  import.meta.hot.on(${JSON.stringify(ERROR_EVENT)}, async ({ eventId }) => {
    await loaded;
    // The overlay mounts on DOMContentLoaded at the latest; an error can arrive before that.
    for (let tries = 0; !handle() && tries < 50; tries++) await new Promise((resolve) => setTimeout(resolve, 100));
    handle()?.open('/errors/events/' + eventId);
  });
  import.meta.hot.send(${JSON.stringify(READY_EVENT)}, {});
}
`;
}
