import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach } from 'vitest';
import { createLogger } from '../logger.ts';
import { type Sidecar, type SidecarOptions, startSidecar } from '../server.ts';

export interface TestSidecar extends Sidecar {
  /** Log lines written so far (debug included). */
  readonly logs: string[];
  post(path: string, body: Uint8Array | string, headers?: Record<string, string>): Promise<Answer>;
  get(path: string, headers?: Record<string, string>): Promise<Answer>;
}

export interface Answer {
  readonly status: number;
  readonly headers: Headers;
  readonly text: string;
  readonly bytes: Uint8Array;
}

/** An overlay folder without index.html: the sidecar shows its "how to connect" page. */
export function emptyOverlayDir(): string {
  return mkdtempSync(join(tmpdir(), 'spotlight-no-overlay-'));
}

/**
 * Returns a function that starts sidecars on 127.0.0.1, port 0, with a capturing debug logger;
 * every sidecar started is closed after each test.
 */
export function sidecarStarter(): (options?: SidecarOptions) => Promise<TestSidecar> {
  const started: Sidecar[] = [];
  afterEach(async () => {
    await Promise.all(started.splice(0).map((s) => s.close()));
  });
  return async (options = {}) => {
    const logs: string[] = [];
    const sidecar = await startSidecar({
      port: 0,
      host: '127.0.0.1',
      overlayDir: emptyOverlayDir(),
      log: createLogger({ debug: true, write: (line) => logs.push(line) }),
      ...options,
    });
    started.push(sidecar);
    const request = async (
      method: string,
      path: string,
      body?: Uint8Array | string,
      headers: Record<string, string> = {},
    ): Promise<Answer> => {
      const res = await fetch(`${sidecar.url}${path}`, {
        method,
        body: typeof body === 'string' || body === undefined ? body : new Uint8Array(body),
        headers,
      });
      const bytes = new Uint8Array(await res.arrayBuffer());
      return { status: res.status, headers: res.headers, bytes, text: new TextDecoder().decode(bytes) };
    };
    return Object.assign(sidecar, {
      logs,
      post: (path: string, body: Uint8Array | string, headers?: Record<string, string>) => request('POST', path, body, headers),
      get: (path: string, headers?: Record<string, string>) => request('GET', path, undefined, headers),
    });
  };
}

export const UUID_V7 = /^[0-9a-f]{8}-[0-9a-f]{4}-7[0-9a-f]{3}-[89ab][0-9a-f]{3}-[0-9a-f]{12}$/;
