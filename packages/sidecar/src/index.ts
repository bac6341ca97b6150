export type { EnvelopeSource, SidecarHealth, SidecarProbe, SidecarState } from '@spotlight/envelope';
export { type AppDeps, createApp } from './app.ts';
export {
  ConfigError,
  DEFAULT_CONFIG,
  DEFAULT_PORT,
  helpText,
  OPTIONS,
  type ResolvedCli,
  resolveConfig,
  type SidecarConfig,
} from './config.ts';
export { type BufferedEnvelope, EnvelopeStore, type IngestedEnvelope } from './envelopeStore.ts';
export type { EnvelopeListener, Ingest } from './ingest.ts';
export { createLogger, type Logger, silentLogger } from './logger.ts';
export { probeSidecar } from './probe.ts';
export { RingBuffer, type RingBufferLimits, type RingBufferOptions } from './ringBuffer.ts';
export type { ServerInfo } from './routes/health.ts';
export { createRoutes, type Routes } from './routes.ts';
export {
  baseUrl,
  createSidecarDeps,
  ForwardLoopError,
  PortInUseError,
  type Sidecar,
  type SidecarDeps,
  type SidecarOptions,
  startSidecar,
} from './server.ts';
export { VERSION } from './version.ts';
export { ViewerHub } from './viewers.ts';
