import type { ErrorRequestHandler, Request, Response } from 'express';
import packageJson from '../../package.json' with { type: 'json' };
import { hookClient, spotlightHandleOf } from '../node/integration.ts';
import { collectEnvironment, findPackage, type PackageInfo } from './environment.ts';
import { buildErrorEvent, detailContexts, detailTags, type ErrorDetails, newEventId } from './error-event.ts';
import { errorPageHtml } from './error-page-html.ts';
import { describeThrown, exceptionValues } from './exception.ts';
import { requestInfo, routeOf } from './request.ts';
import { captureWithSdk, integrationSidecarUrl, type SdkClient, spotlightConnectedClient } from './sentry-sdk.ts';
import { eventEnvelope, isSpotlightEnabled, postEnvelope } from './sidecar-client.ts';
import { keepSidecar } from './sidecar-keeper.ts';

export interface ErrorPageOptions {
  /** The sidecar's URL. Default: found like the Node hooks find it (`SENTRY_SPOTLIGHT`, the state file, http://localhost:8969). */
  sidecarUrl?: string;
  /** Start a sidecar when none answers (default: yes, except in CI). */
  autoStart?: boolean;
  /**
   * Default: on, except where the environment clearly says production (`NODE_ENV=production`,
   * `SENTRY_ENVIRONMENT=production`, ...; see the package README). Off, the middleware only calls `next(err)`.
   */
  enabled?: boolean;
  /** Which errors get the Spotlight page. Default: those with a status of 500 or more (or none), as Sentry's handler does. */
  shouldHandleError?: (error: unknown) => boolean;
  /** Capture through the app's Sentry SDK when it reports to Spotlight. Default true. */
  useSentrySdk?: boolean;
  /** The longest the response waits for the event to reach the sidecar. Default 2000 ms. */
  deliveryTimeoutMs?: number;
  /** Environment shown (masked) on the page, and read for `NODE_ENV`/`SENTRY_SPOTLIGHT`. Default `process.env`. */
  env?: NodeJS.ProcessEnv;
  /** Where the app's package.json is looked for (this folder and up). Default `process.cwd()`. */
  cwd?: string;
}

const SDK = { name: 'spotlight.express', version: packageJson.version };
const MECHANISM = 'auto.middleware.spotlight.express';

export function statusOf(error: unknown): number {
  if (error === null || typeof error !== 'object') return 500;
  const { status, statusCode } = error as { status?: unknown; statusCode?: unknown };
  const value = Number(status ?? statusCode);
  return Number.isInteger(value) && value >= 400 && value <= 599 ? value : 500;
}

interface Report {
  eventId: string;
  delivered: boolean;
  sidecarUrl: string;
}

/**
 * In development, answers an unhandled error with Spotlight opened on it (HTML requests) or a JSON body
 * (everything else), after sending the error, the request and the environment to the sidecar: through the
 * app's Sentry SDK when it reports to Spotlight, else as an envelope of its own. In production it calls
 * `next(err)` and does nothing else. Register it after your routes, before other error handlers.
 */
export function spotlightErrorPage(options: ErrorPageOptions = {}): ErrorRequestHandler {
  const env = options.env ?? process.env;
  const enabled = options.enabled ?? isSpotlightEnabled(env);
  const shouldHandle = options.shouldHandleError ?? ((error: unknown) => statusOf(error) >= 500);
  const cwd = options.cwd ?? process.cwd();
  const timeoutMs = options.deliveryTimeoutMs ?? 2000;
  // Read once, ahead of the first error: the details are collected synchronously when an error comes.
  let packageInfo: PackageInfo | undefined;
  const packageLookup = enabled ? findPackage(cwd).then((found) => (packageInfo = found)) : Promise.resolve(undefined);
  // Looked for at the first error, not at startup; at each error after that, made to answer again (it may
  // have exited on idle since).
  const keeper = keepSidecar({ sidecarUrl: options.sidecarUrl, env, autoStart: options.autoStart });
  const sidecarUrl = async (): Promise<string> => (await keeper.ensure()).url;

  return function spotlightErrorPageMiddleware(error, req, res, next) {
    if (!enabled || res.headersSent || !shouldHandle(error)) {
      next(error);
      return;
    }
    const details: ErrorDetails = {
      request: requestInfo(req),
      route: routeOf(req),
      environment: collectEnvironment({ env, cwd }, packageInfo),
    };
    const client = options.useSentrySdk === false ? undefined : spotlightConnectedClient();
    // Sentry's own Spotlight integration cannot start a sidecar nor keep a repeated error: Spotlight takes over.
    if (client && !spotlightHandleOf(client)) hookClient(client, { env }, { takeOver: true });
    const eventId = newEventId();
    // Synchronously, while the SDK may still be processing its own capture of this error.
    const viaSdk = client
      ? captureWithSdk(
          client,
          error,
          {
            contexts: detailContexts(details.environment),
            tags: detailTags(details),
            transaction: details.route,
            request: { ...details.request },
          },
          { eventId, mechanism: MECHANISM, timeoutMs },
        )
      : Promise.resolve(undefined);
    report(error, details, client, viaSdk)
      .then((result) => respond(error, req, res, details, result))
      .catch(() => {
        // Reporting must never swallow the app's error: Express's own handler answers when ours cannot.
        if (!res.headersSent) next(error);
      });
  };

  async function report(
    error: unknown,
    details: ErrorDetails,
    client: SdkClient | undefined,
    viaSdk: Promise<string | undefined>,
  ): Promise<Report> {
    const keptId = await viaSdk;
    if (client && keptId) {
      // The SDK's Spotlight integration knows where it sends once it has sent; the page loads the overlay from there.
      return { eventId: keptId, delivered: true, sidecarUrl: integrationSidecarUrl(client) ?? (await sidecarUrl()) };
    }
    if (!packageInfo) {
      await packageLookup;
      details.environment = collectEnvironment({ env, cwd }, packageInfo);
    }
    const eventId = newEventId();
    const [event, url] = await Promise.all([
      exceptionValues(error, MECHANISM).then((exceptions) => buildErrorEvent({ eventId, exceptions, details, sdk: SDK })),
      sidecarUrl(),
    ]);
    const delivered = await postEnvelope(url, eventEnvelope({ ...event, event_id: eventId }, SDK), timeoutMs);
    return { eventId, delivered, sidecarUrl: url };
  }
}

function respond(error: unknown, req: Request, res: Response, details: ErrorDetails, report: Report): void {
  const status = statusOf(error);
  const { type, value: message, stack: rawStack } = describeThrown(error);
  const stack = rawStack ?? `${type}: ${message}`;
  res.status(status);
  res.setHeader('Cache-Control', 'no-store');
  if (req.accepts(['json', 'html']) === 'html') {
    res.type('html').send(
      errorPageHtml({
        title: type,
        message,
        method: req.method,
        url: details.request.url,
        stack,
        eventId: report.eventId,
        sidecarUrl: report.sidecarUrl,
        delivered: report.delivered,
      }),
    );
    return;
  }
  const frames = stack
    .split('\n')
    .slice(1)
    .map((line) => line.trim())
    .filter((line) => line.startsWith('at '));
  res.json({ error: { name: type, message, status, eventId: report.eventId, stack: frames } });
}
