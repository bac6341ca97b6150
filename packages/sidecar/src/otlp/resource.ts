import { type PlainValue, plainObject, stringAttribute } from './attributes.ts';
import type { KeyValue, Resource } from './model.ts';

/** The SDK an envelope header names, as Sentry's SDKs fill it. */
export interface SdkInfo {
  readonly name: string;
  readonly version?: string;
}

/** What the converted items of one OTLP resource (one service) share. */
export interface ResourceInfo {
  /** The resource's attributes, which every converted span and log carries too. */
  readonly attributes: readonly KeyValue[];
  /** The same as plain JSON (error events' `contexts.otel.resource`). */
  readonly plain: { [key: string]: PlainValue };
  /** From `telemetry.sdk.*`: `opentelemetry.nodejs` 2.12.1; `otlp` when the resource does not say. */
  readonly sdk: SdkInfo;
  /** Sentry's platform name for `telemetry.sdk.language` (`node`, `python`, `java`, `go`...). */
  readonly platform: string;
  /** `telemetry.sdk.language` as sent (`nodejs`, `python`...), which tells how its stack traces read. */
  readonly language?: string;
  readonly serviceName?: string;
  /** `service.version`, which Sentry's conventions alias to `sentry.release`. */
  readonly release?: string;
  /** `deployment.environment.name` (or the older `deployment.environment`). */
  readonly environment?: string;
  /** `host.name`. */
  readonly serverName?: string;
  readonly runtime?: { readonly name: string; readonly version?: string };
}

/** `telemetry.sdk.language` values (OpenTelemetry semantic conventions) to Sentry platform names. */
const PLATFORMS: Readonly<Record<string, string>> = {
  nodejs: 'node',
  webjs: 'javascript',
  python: 'python',
  java: 'java',
  go: 'go',
  dotnet: 'csharp',
  ruby: 'ruby',
  php: 'php',
  rust: 'rust',
  erlang: 'elixir',
  swift: 'cocoa',
  cpp: 'native',
};

export function resourceInfo(resource: Resource | undefined): ResourceInfo {
  const attributes = resource?.attributes ?? [];
  const sdkName = stringAttribute(attributes, 'telemetry.sdk.name');
  const language = stringAttribute(attributes, 'telemetry.sdk.language');
  const name = sdkName !== undefined || language !== undefined ? [sdkName ?? 'opentelemetry', language].filter(Boolean).join('.') : 'otlp';
  const runtimeName = stringAttribute(attributes, 'process.runtime.name');
  const runtimeVersion = stringAttribute(attributes, 'process.runtime.version');
  return {
    attributes,
    plain: plainObject(attributes),
    sdk: { name, version: stringAttribute(attributes, 'telemetry.sdk.version') },
    platform: (language !== undefined ? PLATFORMS[language] : undefined) ?? 'other',
    language,
    serviceName: stringAttribute(attributes, 'service.name'),
    release: stringAttribute(attributes, 'service.version'),
    environment: stringAttribute(attributes, 'deployment.environment.name') ?? stringAttribute(attributes, 'deployment.environment'),
    serverName: stringAttribute(attributes, 'host.name'),
    runtime: runtimeName !== undefined ? { name: runtimeName, version: runtimeVersion } : undefined,
  };
}
