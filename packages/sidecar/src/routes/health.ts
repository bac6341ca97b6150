import type { SidecarHealth } from '@spotlight/envelope';
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

/** `GET /health`: identity and counters (SidecarHealth), with `X-Powered-By: spotlight-by-sentry` (set for every answer). */
export function health(info: ServerInfo, store: EnvelopeStore, viewers: ViewerHub): Middleware {
  return (_req, res) => {
    const body: SidecarHealth = {
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
