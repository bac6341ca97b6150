import type { EnvelopeStore } from '../envelopeStore.ts';
import type { Middleware } from '../middleware/types.ts';
import type { ViewerHub } from '../viewers.ts';
import { sendJson } from './sendJson.ts';

export interface ServerInfo {
  readonly version: string;
  readonly pid: number;
  readonly startedAt: Date;
  /** The port actually bound (known once listening). */
  readonly port: () => number;
}

/** What `GET /health` answers; SDK hooks and the CLI read it to recognize a running sidecar. */
export interface HealthInfo {
  readonly name: 'spotlight';
  readonly version: string;
  readonly pid: number;
  readonly port: number;
  /** ISO 8601. */
  readonly startedAt: string;
  /** Envelopes held in the buffer. */
  readonly envelopes: number;
  readonly bufferBytes: number;
  readonly viewers: number;
  /** Viewers disconnected since start for not reading their stream. */
  readonly slowViewersDisconnected: number;
}

/** `GET /health`: identity and counters, with `X-Powered-By: spotlight-by-sentry` (set for every answer). */
export function health(info: ServerInfo, store: EnvelopeStore, viewers: ViewerHub): Middleware {
  return (_req, res) => {
    const body: HealthInfo = {
      name: 'spotlight',
      version: info.version,
      pid: info.pid,
      port: info.port(),
      startedAt: info.startedAt.toISOString(),
      envelopes: store.size,
      bufferBytes: store.byteSize,
      viewers: viewers.count,
      slowViewersDisconnected: viewers.slowDisconnected,
    };
    sendJson(res, 200, body);
  };
}
