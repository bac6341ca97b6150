/**
 * A sidecar that answers when a page loads or an error is reported. One started by these helpers exits
 * on its own after an idle period (nobody sending, nobody watching: the tab was closed over lunch); the
 * next page load or error must bring one back, or the overlay script the page loads from it fails. A
 * health answer is trusted for `ttlMs`, so a busy page costs at most one loopback probe per period; only
 * when the sidecar is down is it looked for again, and started.
 */
import { probeSidecar, type SidecarProbe } from '../node/health.ts';
import { isLoopbackHostname } from '../url.ts';
import { type FindSidecarOptions, type FoundSidecar, findSidecar } from './sidecar-client.ts';

export interface SidecarKeeper {
  /**
   * The sidecar made to answer: the last one while its answer is fresh, else probed, else found or started
   * again. Never rejects: when none can be had, the address it would have used (source `unreachable`).
   */
  ensure(): Promise<FoundSidecar>;
}

export interface KeeperOptions extends FindSidecarOptions {
  /** How long a health answer is trusted (default 2000 ms). */
  readonly ttlMs?: number;
  readonly find?: (options: FindSidecarOptions) => Promise<FoundSidecar>;
  readonly probe?: (url: string) => Promise<SidecarProbe>;
  readonly now?: () => number;
}

export function keepSidecar(options: KeeperOptions): SidecarKeeper {
  const ttlMs = options.ttlMs ?? 2000;
  const find = options.find ?? findSidecar;
  const probe = options.probe ?? ((url: string) => probeSidecar(url, 1000));
  const now = options.now ?? Date.now;
  let known: FoundSidecar | undefined;
  let answeredAt = Number.NEGATIVE_INFINITY;
  let pending: Promise<FoundSidecar> | undefined;

  const look = async (): Promise<FoundSidecar> => {
    if (known && known.source !== 'unreachable') {
      // One the developer runs elsewhere (a dev container's host) is theirs to keep up.
      if (!isLoopbackHostname(new URL(known.url).hostname) || (await probe(known.url)).kind === 'spotlight') {
        answeredAt = now();
        return known;
      }
    }
    known = await find(options);
    // An unreachable one too: looking again at every request would cost every request the probes.
    answeredAt = now();
    return known;
  };

  return {
    ensure() {
      if (known && now() - answeredAt < ttlMs) return Promise.resolve(known);
      pending ??= look().finally(() => {
        pending = undefined;
      });
      return pending;
    },
  };
}
