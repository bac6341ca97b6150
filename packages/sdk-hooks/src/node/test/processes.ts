/**
 * Real processes for the done-when tests: the built packages, child scripts, the sidecar they start,
 * and the sidecar's SSE stream. Every child is tracked and killed at the end.
 */
import { type ChildProcess, execFile, execFileSync, spawn } from 'node:child_process';
import { existsSync, mkdtempSync, readdirSync, statSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { decodeWireEnvelope, SSE_ENVELOPE_EVENT, type WireEnvelope } from '@spotlight/envelope';
import { isProcessAlive } from '../stateFile.ts';

export const PACKAGE_DIR = fileURLToPath(new URL('../../../', import.meta.url));
export const APPS_DIR = fileURLToPath(new URL('./apps/', import.meta.url));
const REPO_DIR = join(PACKAGE_DIR, '..', '..');
const SIDECAR_CLI = join(REPO_DIR, 'packages', 'sidecar', 'dist', 'cli.cjs');

function newestMtime(dir: string): number {
  let newest = 0;
  for (const entry of readdirSync(dir, { withFileTypes: true })) {
    const path = join(dir, entry.name);
    if (entry.isDirectory()) newest = Math.max(newest, newestMtime(path));
    else if (/\.ts$/.test(entry.name) && !entry.name.endsWith('.test.ts')) newest = Math.max(newest, statSync(path).mtimeMs);
  }
  return newest;
}

/** Child scripts import the built packages (plain `node` cannot read TypeScript): build what is missing or stale. */
export function ensureBuilt(): void {
  const dist = join(PACKAGE_DIR, 'dist', 'node.js');
  if (!existsSync(dist) || statSync(dist).mtimeMs < newestMtime(join(PACKAGE_DIR, 'src'))) {
    execFileSync(process.execPath, [join(REPO_DIR, 'node_modules', 'vite', 'bin', 'vite.js'), 'build', '--logLevel', 'error'], {
      cwd: PACKAGE_DIR,
    });
  }
  if (!existsSync(SIDECAR_CLI)) {
    execFileSync('npm', ['run', 'build', '--silent', '-w', '@spotlight/sidecar'], { cwd: REPO_DIR, stdio: 'ignore' });
  }
}

/** The environment of a developer's shell: none of the test runner's or this machine's Spotlight settings. */
export function childEnv(extra: Record<string, string>): Record<string, string> {
  const env: Record<string, string> = {};
  for (const [key, value] of Object.entries(process.env)) {
    if (value === undefined || /^(CI|GITHUB_ACTIONS|NODE_ENV|NODE_OPTIONS|SENTRY_.*|SPOTLIGHT_.*|VITEST.*)$/.test(key)) continue;
    env[key] = value;
  }
  return { ...env, ...extra };
}

export function tempDir(): string {
  return mkdtempSync(join(tmpdir(), 'spotlight-proc-'));
}

const children = new Set<ChildProcess>();

export interface Finished {
  readonly code: number | null;
  readonly stdout: string;
  readonly stderr: string;
}

/** Runs `node <args>` to completion (killed after `timeoutMs`). */
export function runNode(args: readonly string[], env: Record<string, string>, timeoutMs: number): Promise<Finished> {
  return new Promise((resolve) => {
    const child = execFile(
      process.execPath,
      args,
      { cwd: PACKAGE_DIR, env, timeout: timeoutMs, killSignal: 'SIGKILL' },
      (error, stdout, stderr) => {
        children.delete(child);
        resolve({ code: error ? ((error as { code?: number }).code ?? null) : 0, stdout, stderr });
      },
    );
    children.add(child);
  });
}

export interface Running {
  readonly child: ChildProcess;
  /** Resolves with the first stdout line that parses as JSON. */
  readonly ready: Promise<Record<string, unknown>>;
  output(): string;
}

/** Starts a long-running `node <args>`; its first JSON line on stdout says it is ready. */
export function startNode(args: readonly string[], env: Record<string, string>): Running {
  const child = spawn(process.execPath, args, { cwd: PACKAGE_DIR, env, stdio: ['ignore', 'pipe', 'pipe'] });
  children.add(child);
  let out = '';
  const ready = new Promise<Record<string, unknown>>((resolve, reject) => {
    child.stdout?.on('data', (chunk: Buffer) => {
      out += chunk.toString();
      for (const line of out.split('\n')) {
        if (!line.startsWith('{')) continue;
        try {
          resolve(JSON.parse(line));
        } catch {
          // Not complete yet.
        }
      }
    });
    child.stderr?.on('data', (chunk: Buffer) => {
      out += chunk.toString();
    });
    child.once('exit', (code) => reject(new Error(`exited with ${code} before it was ready:\n${out}`)));
  });
  return { child, ready, output: () => out };
}

/** Pids of sidecars started with this state file (the state file's path is unique per test). */
export function sidecarPids(stateFile: string): number[] {
  const ps = execFileSync('ps', ['-eo', 'pid=,args='], { encoding: 'utf8' });
  return ps
    .split('\n')
    .filter((line) => line.includes(`--state-file ${stateFile}`))
    .map((line) => Number(line.trim().split(/\s+/)[0]))
    .filter((pid) => pid !== process.pid);
}

/** Kills every child still running and every sidecar started with one of these state files. */
export async function killAll(stateFiles: readonly string[]): Promise<void> {
  for (const child of children) child.kill('SIGKILL');
  children.clear();
  for (const file of stateFiles) {
    for (const pid of sidecarPids(file)) {
      try {
        process.kill(pid, 'SIGKILL');
      } catch {
        // Already gone.
      }
    }
  }
}

/** Polls `check` (bounded: every 100 ms until `timeoutMs`). */
export async function waitFor(check: () => boolean | Promise<boolean>, timeoutMs: number): Promise<boolean> {
  const end = Date.now() + timeoutMs;
  while (Date.now() < end) {
    if (await check()) return true;
    await new Promise((resolve) => setTimeout(resolve, 100));
  }
  return check();
}

export async function waitForExit(pid: number, timeoutMs: number): Promise<boolean> {
  return waitFor(() => !isProcessAlive(pid), timeoutMs);
}

/**
 * Reads the sidecar's SSE stream (its buffer replays on connect) until `done(envelopes)` holds or
 * `timeoutMs` passes; the viewer disconnects either way.
 */
export async function readStream(
  baseUrl: string,
  done: (envelopes: WireEnvelope[]) => boolean,
  timeoutMs: number,
): Promise<WireEnvelope[]> {
  const envelopes: WireEnvelope[] = [];
  const controller = new AbortController();
  const timer = setTimeout(() => controller.abort(), timeoutMs);
  try {
    const response = await fetch(`${baseUrl}/stream`, { headers: { accept: 'text/event-stream' }, signal: controller.signal });
    const reader = response.body?.getReader();
    const decoder = new TextDecoder();
    let buffer = '';
    while (reader) {
      const { value, done: ended } = await reader.read();
      if (ended) break;
      buffer += decoder.decode(value, { stream: true });
      let end = buffer.indexOf('\n\n');
      while (end >= 0) {
        const frame = buffer.slice(0, end);
        buffer = buffer.slice(end + 2);
        const lines = frame.split('\n');
        const event = lines
          .find((l) => l.startsWith('event:'))
          ?.slice(6)
          .trim();
        const data = lines
          .filter((l) => l.startsWith('data:'))
          .map((l) => l.slice(5).trimStart())
          .join('\n');
        if (event === SSE_ENVELOPE_EVENT && data) envelopes.push(decodeWireEnvelope(data));
        end = buffer.indexOf('\n\n');
      }
      if (done(envelopes)) break;
    }
  } catch (error) {
    if (!controller.signal.aborted) throw error;
  } finally {
    clearTimeout(timer);
    controller.abort();
  }
  return envelopes;
}

type Payload = Record<string, unknown>;

/** Payloads of one item type across wire envelopes. */
export function payloads(envelopes: readonly WireEnvelope[], type: string): Payload[] {
  return envelopes.flatMap(([, items]) => items.filter(([header]) => header.type === type).map(([, payload]) => payload as Payload));
}

export function errorValues(envelopes: readonly WireEnvelope[]): string[] {
  return payloads(envelopes, 'event').map((event) => {
    const values = (event.exception as { values?: { value?: string }[] } | undefined)?.values;
    return values?.[0]?.value ?? '';
  });
}

export function logBodies(envelopes: readonly WireEnvelope[]): string[] {
  return payloads(envelopes, 'log').flatMap((container) => (container.items as { body: string }[]).map((log) => log.body));
}

export interface WireSpan {
  readonly name: string;
  readonly op: string | undefined;
  readonly traceId: string;
  readonly spanId: string;
  readonly parentSpanId: string | undefined;
  readonly attributes: Record<string, { value: unknown }>;
}

/** Spans of span-v2 containers (what @sentry/node 11 sends). */
export function spans(envelopes: readonly WireEnvelope[]): WireSpan[] {
  return payloads(envelopes, 'span').flatMap((container) =>
    (
      container.items as {
        name: string;
        trace_id: string;
        span_id: string;
        parent_span_id?: string;
        attributes?: Record<string, { value: unknown }>;
      }[]
    ).map((span) => ({
      name: span.name,
      op: span.attributes?.['sentry.op']?.value as string | undefined,
      traceId: span.trace_id,
      spanId: span.span_id,
      parentSpanId: span.parent_span_id,
      attributes: span.attributes ?? {},
    })),
  );
}
