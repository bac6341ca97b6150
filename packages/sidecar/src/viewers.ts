import type { ServerResponse } from 'node:http';
import { SSE_CLEAR_EVENT, sseFrame } from '@spotlight/envelope';
import type { EnvelopeStore } from './envelopeStore.ts';
import type { Logger } from './logger.ts';

export interface ViewerHubOptions {
  readonly store: EnvelopeStore;
  readonly maxViewers: number;
  /** A live viewer with more unsent bytes than this is disconnected. */
  readonly maxQueueBytes: number;
  readonly heartbeatMs: number;
  readonly log: Logger;
  /** Called when a viewer connects or leaves (idle tracking). */
  readonly onChange?: (viewers: number) => void;
}

interface Viewer {
  readonly res: ServerResponse;
  /** Catching up on the buffer: live frames are picked up by the replay loop instead. */
  replaying: boolean;
  closed: boolean;
  /** Sequence number of the next envelope this viewer needs. */
  nextSeq: number;
}

interface Pending {
  readonly seq: number;
  readonly frame: Uint8Array;
}

const CLEAR_FRAME = sseFrame({ event: SSE_CLEAR_EVENT, data: '{}' });
const HEARTBEAT_FRAME = sseFrame({ comment: 'keep-alive' });

/** Replay writes while fewer bytes than this are unsent, then waits for the socket to drain. */
const REPLAY_WINDOW_BYTES = 1024 * 1024;

/**
 * The SSE viewers. A new viewer first replays the buffer (after its Last-Event-ID), pacing itself
 * on the socket; then it is live and gets each new frame as it arrives. A live envelope's frame is
 * built once and shared by all viewers; a replay builds the frames it sends. A live viewer that
 * stops reading is disconnected once its unsent bytes pass the limit, so it can neither hold
 * memory nor slow the others; it may reconnect and resume with Last-Event-ID.
 *
 * Live frames are written once per event-loop turn: every envelope that arrived during the turn
 * goes to a viewer in one write (one syscall) instead of one write each.
 */
export class ViewerHub {
  private readonly viewers = new Set<Viewer>();
  private heartbeat: NodeJS.Timeout | undefined;
  private slowDisconnects = 0;
  private pending: Pending[] = [];
  private flushScheduled = false;

  constructor(private readonly options: ViewerHubOptions) {}

  get count(): number {
    return this.viewers.size;
  }

  /** Viewers disconnected for not reading, since start. */
  get slowDisconnected(): number {
    return this.slowDisconnects;
  }

  get isFull(): boolean {
    return this.viewers.size >= this.options.maxViewers;
  }

  /**
   * Adds a viewer whose SSE headers and opening frame are written. Replays what the buffer holds
   * strictly after `lastEventId` (everything when it is unknown or absent), then goes live.
   */
  add(res: ServerResponse, lastEventId: string | undefined): void {
    const viewer: Viewer = { res, replaying: true, closed: false, nextSeq: 0 };
    this.viewers.add(viewer);
    res.once('close', () => this.remove(viewer));
    this.startHeartbeat();
    this.options.onChange?.(this.viewers.size);
    const after = lastEventId === undefined ? undefined : this.options.store.seqOf(lastEventId);
    void this.replay(viewer, after === undefined ? 0 : after + 1);
  }

  /** Sends a just-stored envelope's frame (`seq`: its sequence number in the store) to every live viewer, at the end of this turn. */
  broadcast(frame: Uint8Array, seq: number): void {
    if (this.viewers.size === 0) return;
    this.pending.push({ seq, frame });
    if (!this.flushScheduled) {
      this.flushScheduled = true;
      setImmediate(() => this.flush());
    }
  }

  /** Tells every viewer the buffer was emptied (after the envelopes that came before). */
  cleared(): void {
    this.flush();
    for (const viewer of this.viewers) this.send(viewer, [CLEAR_FRAME]);
  }

  /** Writes the frames of this turn to every live viewer. */
  private flush(): void {
    this.flushScheduled = false;
    const pending = this.pending;
    if (pending.length === 0) return;
    this.pending = [];
    const last = (pending[pending.length - 1] as Pending).seq;
    for (const viewer of this.viewers) {
      // A viewer that finished its replay during this turn already has some of these.
      if (viewer.replaying || viewer.nextSeq > last) continue;
      const frames: Uint8Array[] = [];
      for (const { seq, frame } of pending) if (seq >= viewer.nextSeq) frames.push(frame);
      viewer.nextSeq = last + 1;
      this.send(viewer, frames);
    }
  }

  /** Ends every stream at once (shutdown). */
  close(): void {
    this.stopHeartbeat();
    this.pending = [];
    for (const viewer of this.viewers) {
      viewer.closed = true;
      viewer.res.destroy();
    }
    this.viewers.clear();
  }

  /** Writes frames to a viewer, or disconnects it when it stopped reading. */
  private send(viewer: Viewer, frames: readonly Uint8Array[]): void {
    const { res } = viewer;
    const unsent = res.writableLength;
    if (unsent > this.options.maxQueueBytes) {
      this.slowDisconnects++;
      this.options.log.warn(`disconnected a viewer that stopped reading: ${unsent} bytes unsent (limit ${this.options.maxQueueBytes})`);
      this.drop(viewer);
      return;
    }
    if (frames.length === 1) {
      res.write(frames[0] as Uint8Array);
      return;
    }
    // Corked writes leave as one writev.
    res.cork();
    for (const frame of frames) res.write(frame);
    res.uncork();
  }

  private async replay(viewer: Viewer, from: number): Promise<void> {
    const { store } = this.options;
    let seq = from;
    const { res } = viewer;
    while (!viewer.closed) {
      seq = Math.max(seq, store.startSeq);
      if (seq >= store.endSeq) {
        viewer.replaying = false;
        viewer.nextSeq = seq;
        return;
      }
      const stored = store.at(seq);
      if (stored) res.write(store.frame(stored));
      seq++;
      if (res.writableLength >= REPLAY_WINDOW_BYTES) await drained(res);
    }
  }

  private remove(viewer: Viewer): void {
    viewer.closed = true;
    if (!this.viewers.delete(viewer)) return;
    if (this.viewers.size === 0) this.stopHeartbeat();
    this.options.onChange?.(this.viewers.size);
  }

  private drop(viewer: Viewer): void {
    viewer.res.destroy();
    this.remove(viewer);
  }

  private startHeartbeat(): void {
    if (this.heartbeat) return;
    this.heartbeat = setInterval(() => {
      for (const viewer of this.viewers) this.send(viewer, [HEARTBEAT_FRAME]);
    }, this.options.heartbeatMs);
    this.heartbeat.unref();
  }

  private stopHeartbeat(): void {
    clearInterval(this.heartbeat);
    this.heartbeat = undefined;
  }
}

function drained(res: ServerResponse): Promise<void> {
  return new Promise<void>((resolve) => {
    const done = () => {
      res.off('drain', done);
      res.off('close', done);
      resolve();
    };
    res.once('drain', done);
    res.once('close', done);
  });
}
