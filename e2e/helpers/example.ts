import { REPO_ROOT } from './paths.ts';
import { type RunningProcess, spawnUntil } from './processes.ts';

export interface RunningExample {
  /** The Vite dev server (the page). */
  readonly webUrl: string;
  /** The Express API, directly. */
  readonly apiUrl: string;
  readonly process: RunningProcess;
  stop(): Promise<void>;
}

/** Secrets in the API's environment: the error page must show their names and never their values. */
export const API_SECRETS = {
  STRIPE_SECRET_KEY: 'sk_test_e2e_51Hsecret',
  DATABASE_URL: 'postgres://shop:e2e-db-password@127.0.0.1:5432/shop',
};

/** `npm start -w examples/express-react` as a user runs it, on free loopback ports, sending to `sidecarUrl`. */
export async function startExpressReactExample(sidecarUrl: string): Promise<RunningExample> {
  const proc = await spawnUntil(process.execPath, ['scripts/dev.mjs'], {
    cwd: `${REPO_ROOT}/examples/express-react`,
    env: {
      ...process.env,
      NODE_ENV: 'development',
      PORT: '0',
      API_PORT: '0',
      SENTRY_SPOTLIGHT: `${sidecarUrl}/stream`,
      ...API_SECRETS,
    },
    ready: /Example ready: (http:\/\/127\.0\.0\.1:\d+)\s+\(API (http:\/\/127\.0\.0\.1:\d+)/,
    timeoutMs: 60_000,
  });
  return { webUrl: proc.match[1] ?? '', apiUrl: proc.match[2] ?? '', process: proc, stop: proc.stop };
}
