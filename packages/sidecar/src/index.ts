export { createApp } from './app.ts';
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
export type { EnvelopeSource, IngestedEnvelope, StoredEnvelope } from './envelopeStore.ts';
export { EnvelopeStore } from './envelopeStore.ts';
export type { RequestListener } from './hotPath.ts';
export { createIdGenerator, type IdGenerator, idTimestamp } from './ids.ts';
export type { EnvelopeListener } from './ingest.ts';
export { createLogger, type Logger, silentLogger } from './logger.ts';
export { POWERED_BY } from './middleware/poweredBy.ts';
export type { AppDeps, Pipeline } from './pipeline.ts';
export { createPipeline } from './pipeline.ts';
export { type ProbeResult, probeSidecar } from './probe.ts';
export { type AppLoader, createRequestListener, loadExpressApp, type SidecarRequestListener } from './requestListener.ts';
export { RingBuffer, type RingBufferLimits, type RingBufferOptions } from './ringBuffer.ts';
export type { HealthInfo, ServerInfo } from './routes/health.ts';
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
export { CLEAR_EVENT } from './sseFrames.ts';
export type { SidecarState } from './stateFile.ts';
export { VERSION } from './version.ts';
export { ViewerHub } from './viewers.ts';
