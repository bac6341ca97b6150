import { asObject, asString, type JsonObject } from './errorEvent.ts';

/**
 * Which service sent something. Sentry payloads carry no service name, so one is derived from what
 * they do carry: the SDK (node, browser, python...) plus the first of an explicit service name,
 * the release (`api@1.0.0`), the server name, the page's host. Every view labels spans, logs and
 * SDKs with the same `label`, e.g. "node · api@1.0.0" or "browser · localhost:5173".
 */
export interface Service {
  /** Equal for everything the same service sent; stable across envelopes. */
  readonly key: string;
  readonly label: string;
  readonly sdkName?: string;
  readonly sdkVersion?: string;
  readonly release?: string;
  readonly environment?: string;
  readonly serverName?: string;
  readonly runtime?: string;
}

export interface ServiceParts {
  sdkName?: string | undefined;
  sdkVersion?: string | undefined;
  serviceName?: string | undefined;
  release?: string | undefined;
  environment?: string | undefined;
  serverName?: string | undefined;
  host?: string | undefined;
  runtime?: string | undefined;
}

const MAX_LABEL_PART = 60;

/** `sentry.javascript.node` → `node`, `sentry.python` → `python`, `sentry.java.android` → `java.android`. */
export function sdkShortName(sdkName: string | undefined): string | undefined {
  if (sdkName === undefined) return undefined;
  const short = sdkName.replace(/^sentry\./, '').replace(/^javascript\./, '');
  return short.slice(0, MAX_LABEL_PART) || undefined;
}

// OpenTelemetry fills `service.name` with defaults that name the runtime, not the service.
function isDefaultServiceName(name: string, short: string | undefined): boolean {
  return name === short || name === 'node' || name.startsWith('unknown_service');
}

export function makeService(parts: ServiceParts): Service {
  const short = sdkShortName(parts.sdkName);
  const explicit = parts.serviceName !== undefined && !isDefaultServiceName(parts.serviceName, short) ? parts.serviceName : undefined;
  const identity = (explicit ?? parts.release ?? parts.serverName ?? parts.host)?.slice(0, MAX_LABEL_PART);
  const label = short !== undefined && identity !== undefined ? `${short} · ${identity}` : (short ?? identity ?? 'unknown service');
  const service: {
    -readonly [K in keyof Service]: Service[K];
  } = { key: `${parts.sdkName ?? ''}|${identity ?? ''}`, label };
  if (parts.sdkName !== undefined) service.sdkName = parts.sdkName;
  if (parts.sdkVersion !== undefined) service.sdkVersion = parts.sdkVersion;
  if (parts.release !== undefined) service.release = parts.release;
  if (parts.environment !== undefined) service.environment = parts.environment;
  if (parts.serverName !== undefined) service.serverName = parts.serverName;
  if (parts.runtime !== undefined) service.runtime = parts.runtime;
  return service;
}

function urlHost(url: unknown): string | undefined {
  const text = asString(url);
  if (text === undefined) return undefined;
  try {
    return new URL(text).host || undefined;
  } catch {
    return undefined;
  }
}

function runtimeOf(contexts: JsonObject | undefined): string | undefined {
  const runtime = asObject(contexts?.runtime) ?? asObject(contexts?.browser);
  const name = asString(runtime?.name);
  if (name === undefined) return undefined;
  const version = asString(runtime?.version);
  return version !== undefined ? `${name} ${version}` : name;
}

/**
 * The service of an error or transaction event; `header` is the envelope header. Its `trace` (the
 * dynamic sampling context) is deliberately not used: it describes the service that started the
 * trace, which for a downstream service is another one.
 */
export function serviceOfEvent(event: JsonObject, header: JsonObject): Service {
  const sdk = asObject(event.sdk) ?? asObject(header.sdk);
  const contexts = asObject(event.contexts);
  const resource = asObject(asObject(contexts?.otel)?.resource);
  return makeService({
    sdkName: asString(sdk?.name),
    sdkVersion: asString(sdk?.version),
    serviceName: asString(resource?.['service.name']),
    release: asString(event.release),
    environment: asString(event.environment),
    serverName: asString(event.server_name),
    host: urlHost(asObject(event.request)?.url),
    runtime: runtimeOf(contexts),
  });
}

/**
 * The service of a span-v2 or log-v2 item from its (plain) attributes, falling back to the envelope
 * header. `hostAttributes` says whether `server.address` and `url.full` describe the sender: true for
 * logs and segment spans; on an `http.client` span they name the server being called.
 */
export function serviceOfAttributes(attributes: Readonly<Record<string, unknown>>, header: JsonObject, hostAttributes = true): Service {
  const sdk = asObject(header.sdk);
  const runtimeName = asString(attributes['process.runtime.name']) ?? asString(attributes['browser.name']);
  const runtimeVersion = asString(attributes['process.runtime.version']) ?? asString(attributes['browser.version']);
  return makeService({
    sdkName: asString(attributes['sentry.sdk.name']) ?? asString(sdk?.name),
    sdkVersion: asString(attributes['sentry.sdk.version']) ?? asString(sdk?.version),
    serviceName: asString(attributes['service.name']),
    release: asString(attributes['sentry.release']),
    environment: asString(attributes['sentry.environment']),
    serverName: hostAttributes ? asString(attributes['server.address']) : undefined,
    host: hostAttributes ? urlHost(attributes['url.full']) : undefined,
    runtime: runtimeName !== undefined ? [runtimeName, runtimeVersion].filter(Boolean).join(' ') : undefined,
  });
}
