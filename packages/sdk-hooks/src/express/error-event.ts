import { randomUUID } from 'node:crypto';
import type { Event } from '@spotlight/envelope';
import type { EnvironmentInfo } from './environment.ts';
import type { ExceptionValue } from './exception.ts';
import type { RequestInfo } from './request.ts';

/** Sentry's event id form: 32 lowercase hex characters. */
export function newEventId(): string {
  return randomUUID().replaceAll('-', '');
}

/** The event's parts that do not depend on who sends it: contexts, tags and request, as Sentry names them. */
export interface ErrorDetails {
  request: RequestInfo;
  route: string | undefined;
  environment: EnvironmentInfo;
}

export function detailContexts(environment: EnvironmentInfo): Record<string, Record<string, unknown>> {
  return {
    runtime: { name: 'node', version: environment.nodeVersion },
    os: { name: environment.osName, version: environment.osRelease },
    ...(environment.package
      ? { app: { app_name: environment.package.name, app_version: environment.package.version, app_root: environment.package.root } }
      : {}),
    process: {
      cwd: environment.cwd,
      pid: environment.pid,
      platform: environment.platform,
      arch: environment.arch,
      argv: environment.argv,
      node_env: environment.nodeEnv ?? '(not set)',
    },
    environment_variables: environment.env,
  };
}

export function detailTags(details: ErrorDetails): Record<string, string> {
  return { 'http.method': details.request.method, ...(details.route ? { route: details.route } : {}) };
}

/** A complete error event for when no Sentry SDK is there to build one. */
export function buildErrorEvent(options: {
  eventId: string;
  exceptions: ExceptionValue[];
  details: ErrorDetails;
  sdk: { name: string; version: string };
  timestamp?: number;
}): Event {
  const { details } = options;
  return {
    event_id: options.eventId,
    timestamp: options.timestamp ?? Date.now() / 1000,
    platform: 'node',
    level: 'error',
    environment: details.environment.nodeEnv ?? 'development',
    server_name: details.environment.hostname,
    ...(details.route ? { transaction: details.route } : {}),
    exception: { values: options.exceptions },
    request: details.request,
    contexts: detailContexts(details.environment),
    tags: detailTags(details),
    sdk: { name: options.sdk.name, version: options.sdk.version },
  } as Event;
}
