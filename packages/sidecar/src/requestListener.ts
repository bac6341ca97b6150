import { type RequestListener, withHotPath } from './hotPath.ts';
import { type AppDeps, createPipeline, type Pipeline } from './pipeline.ts';

/**
 * Builds the Express app for the routes the hot path does not serve. The default imports app.ts,
 * and with it Express, only when called: loading Express takes about 100 ms, most of a cold start.
 */
export type AppLoader = (deps: AppDeps, pipeline: Pipeline) => Promise<RequestListener>;

export const loadExpressApp: AppLoader = async (deps, pipeline) => {
  const { createApp } = await import('./app.ts');
  return createApp(deps, pipeline);
};

/**
 * How long the server must go without a request to count as quiet. Loading Express blocks the event
 * loop for about 100 ms; waiting for a quiet moment keeps that off the envelopes an SDK sends right
 * after starting the sidecar.
 */
export const QUIET_MS = 50;

export interface SidecarRequestListener extends RequestListener {
  /**
   * Resolves at the first quiet moment: once `quietMs` pass without a request (call it once
   * listening), once a request needed the Express app, or on close().
   */
  whenQuiet(quietMs?: number): Promise<void>;
  /** Loads the Express app now (once); resolves when no request waits for it any more. */
  loadApp(): Promise<void>;
  /** Stops waiting for quiet. */
  close(): void;
}

/**
 * What `startSidecar` serves. Envelope ingest and `GET /health` run at once through the hot path;
 * every other request goes to the Express app, loaded with `loadApp` the first time one needs it or
 * when `loadApp()` is called (startSidecar does at the first quiet moment), whichever comes first;
 * requests that come earlier wait for it. So a freshly started sidecar takes envelopes without
 * having loaded Express. If the app cannot be
 * loaded, those other requests get a 500 and the log says why; ingest goes on working.
 */
export function createRequestListener(deps: AppDeps, loadApp: AppLoader = loadExpressApp): SidecarRequestListener {
  const pipeline = createPipeline(deps);
  let app: RequestListener | undefined;
  let loading: Promise<RequestListener> | undefined;
  let quietTimer: NodeJS.Timeout | undefined;
  let quiet: { promise: Promise<void>; resolve: () => void } | undefined;
  const endQuietWait = () => {
    clearTimeout(quietTimer);
    quietTimer = undefined;
    quiet?.resolve();
  };

  const load = (): Promise<RequestListener> => {
    if (loading) return loading;
    endQuietWait();
    loading = loadApp(deps, pipeline).then(
      (loaded) => {
        app = loaded;
        return loaded;
      },
      (error: unknown) => {
        deps.log.error(
          `could not load the web app (every route but envelope ingest and /health answers 500): ${error instanceof Error ? (error.stack ?? error.message) : String(error)}`,
        );
        throw error;
      },
    );
    return loading;
  };

  const viaApp: RequestListener = (req, res) => {
    if (app) {
      app(req, res);
      return;
    }
    load()
      .then((loaded) => loaded(req, res))
      .catch((error: unknown) => pipeline.onError(error, req, res, () => {}));
  };
  const hot = withHotPath(
    viaApp,
    { ingest: [...pipeline.guards, ...pipeline.ingestEnvelope], health: [...pipeline.guards, pipeline.health] },
    pipeline.onError,
  );

  const listener: RequestListener = (req, res) => {
    quietTimer?.refresh();
    hot(req, res);
  };
  return Object.assign(listener, {
    whenQuiet(quietMs = QUIET_MS): Promise<void> {
      if (!quiet) {
        let resolve = () => {};
        quiet = { promise: new Promise<void>((done) => (resolve = done)), resolve };
        if (loading) resolve();
        else {
          quietTimer = setTimeout(endQuietWait, quietMs);
          quietTimer.unref();
        }
      }
      return quiet.promise;
    },
    async loadApp(): Promise<void> {
      await load();
    },
    close: endQuietWait,
  });
}
