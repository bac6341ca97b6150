/**
 * Finding the sidecar, in order: the `sidecarUrl` option, `SENTRY_SPOTLIGHT`, the URL an incoming
 * request's baggage carried, the state file a lazily started sidecar published, `http://localhost:8969`
 * (the port follows `SPOTLIGHT_PORT`). When none answers, one is started (see launcher.ts).
 */
import { isLoopbackHostname } from '../url.ts';
import type { Probe } from './health.ts';
import { readState } from './stateFile.ts';

export type SidecarSource = 'option' | 'env' | 'baggage' | 'state file' | 'default' | 'started';

export interface DiscoveryOptions {
  /** From the `sidecarUrl` option: any URL the developer wrote (base form). */
  readonly optionUrl: string | undefined;
  /** From `SENTRY_SPOTLIGHT` (base form, loopback only). */
  readonly envUrl: string | undefined;
  /** Read at discovery time: the URL adopted from an incoming request's baggage (loopback only). */
  readonly baggageUrl: () => string | undefined;
  readonly stateFile: string;
  readonly port: number;
  /** Whether a sidecar may be started when none answers. */
  readonly autoStart: boolean;
  /** Starts one on `port` (0: any free port) and resolves with its base URL. */
  readonly launch: (port: number) => Promise<string>;
  readonly probe: Probe;
  readonly debug?: (line: string) => void;
}

export interface Discovered {
  readonly url: string;
  readonly source: SidecarSource;
}

export class DiscoveryError extends Error {
  override readonly name = 'DiscoveryError';
}

export async function discoverSidecar(options: DiscoveryOptions): Promise<Discovered> {
  const debug = options.debug ?? (() => {});
  const baggageUrl = options.baggageUrl();
  const named: [string | undefined, SidecarSource][] = [
    [options.optionUrl, 'option'],
    [options.envUrl, 'env'],
    [baggageUrl, 'baggage'],
  ];
  const chosen = named.find(([url]) => url !== undefined);
  if (chosen?.[0]) {
    const [url, source] = chosen as [string, SidecarSource];
    const host = new URL(url).hostname;
    // A remote sidecar the developer configured (a dev container's host, say) is theirs to run.
    if (!isLoopbackHostname(host)) return { url, source };
    const probe = await options.probe(url);
    if (probe.kind === 'spotlight') return { url, source };
    if (probe.kind === 'other' && source !== 'baggage') {
      debug(`${url} (from ${source}) answers but is not Spotlight (HTTP ${probe.status}); sending there as configured`);
      return { url, source };
    }
    if (probe.kind === 'down') return { url: await start(options, portOf(url)), source: 'started' };
    debug(`ignoring ${url} from baggage: not a Spotlight sidecar`);
  }

  const state = await readState(options.stateFile);
  if (state && (await options.probe(state.url)).kind === 'spotlight') return { url: state.url, source: 'state file' };

  const url = `http://localhost:${options.port}`;
  const probe = await options.probe(url);
  if (probe.kind === 'spotlight') return { url, source: 'default' };
  if (probe.kind === 'other') {
    debug(`port ${options.port} is held by something that is not Spotlight (HTTP ${probe.status}); starting one on a free port`);
    return { url: await start(options, 0), source: 'started' };
  }
  return { url: await start(options, options.port), source: 'started' };
}

async function start(options: DiscoveryOptions, port: number): Promise<string> {
  if (!options.autoStart) throw new DiscoveryError(`no sidecar answers${port ? ` on port ${port}` : ''} and starting one is off`);
  return options.launch(port);
}

function portOf(url: string): number {
  const parsed = new URL(url);
  return Number(parsed.port || (parsed.protocol === 'https:' ? 443 : 80));
}
