// The load generator (Node built-ins only): POSTs stamped envelopes at a fixed concurrency over keep-alive
// connections and reads GET /stream with any number of viewers, each of which notes when every marker first
// appears in its stream. A viewer scans raw bytes for the run's marker prefix, so reading costs it little and
// the same for every target whatever its SSE framing.
import http from 'node:http';
import { performance } from 'node:perf_hooks';
import { LOAD_MIX, MARKER_LENGTH, stamp } from './envelopes.mjs';

/**
 * Open a viewer on GET /stream. Resolves once the response headers arrived. `stalled` viewers never read: their
 * socket is paused, so the server sees a client whose TCP window closed (a frozen tab, a suspended laptop).
 */
export function openViewer({ port, prefix, path = '/stream', stalled = false, timeoutMs = 10_000 }) {
  const received = new Map();
  const state = { received, bytes: 0, closed: false, closedAt: null, status: null, error: null };
  const scan = markerScanner(prefix, (marker, now) => {
    if (!received.has(marker)) received.set(marker, now);
  });
  const onChunk = (chunk) => {
    state.bytes += chunk.length;
    scan(chunk, performance.now());
  };

  return new Promise((resolve, reject) => {
    const req = http.get({ host: '127.0.0.1', port, path, agent: false, headers: { Accept: 'text/event-stream' } });
    const timer = setTimeout(() => {
      req.destroy();
      reject(new Error(`bench: viewer got no response headers from :${port}${path} within ${timeoutMs} ms`));
    }, timeoutMs);
    req.on('response', (res) => {
      clearTimeout(timer);
      state.status = res.statusCode;
      if (res.statusCode !== 200) {
        res.resume();
        reject(new Error(`bench: GET ${path} answered ${res.statusCode}`));
        return;
      }
      const markClosed = () => {
        if (!state.closed) {
          state.closed = true;
          state.closedAt = performance.now();
        }
      };
      res.on('close', markClosed);
      res.on('error', markClosed);
      if (stalled) {
        res.pause();
        res.socket.pause();
      } else {
        res.on('data', onChunk);
      }
      resolve({
        state,
        close() {
          req.destroy();
          markClosed();
        },
        /**
         * A paused client cannot see the server hang up (the FIN or RST waits behind unread bytes): read what
         * is pending and report whether the stream then ends within `ms` (the server cut it off) or not.
         */
        resumeUntilClosed(ms) {
          if (state.closed) return Promise.resolve(true);
          return new Promise((done) => {
            const timer = setTimeout(() => done(state.closed), ms);
            const finish = () => {
              clearTimeout(timer);
              done(true);
            };
            res.once('close', finish);
            res.once('end', finish);
            res.on('data', (chunk) => {
              state.bytes += chunk.length;
            });
            res.socket.resume();
            res.resume();
          });
        },
      });
    });
    req.on('error', (error) => {
      clearTimeout(timer);
      state.error = error.message;
      state.closed = true;
      reject(error);
    });
  });
}

/**
 * A scanner over a byte stream: calls `onMarker(marker, now)` for every `prefix` + (MARKER_LENGTH - prefix) bytes
 * found, including markers split across chunks, each occurrence once.
 */
export function markerScanner(prefix, onMarker) {
  const prefixBytes = Buffer.from(prefix, 'latin1');
  let carry = Buffer.alloc(0);
  // Markers that start before `limit` and end inside `buf`.
  const note = (buf, limit, now) => {
    let at = buf.indexOf(prefixBytes);
    while (at !== -1 && at < limit) {
      if (at + MARKER_LENGTH > buf.length) break;
      onMarker(buf.toString('latin1', at, at + MARKER_LENGTH), now);
      at = buf.indexOf(prefixBytes, at + MARKER_LENGTH);
    }
  };
  return (chunk, now) => {
    if (carry.length > 0) {
      // The seam: the last bytes of the previous chunk and the first of this one, for markers that straddle it.
      note(Buffer.concat([carry, chunk.subarray(0, MARKER_LENGTH - 1)]), carry.length, now);
    }
    note(chunk, chunk.length, now);
    // The stream's last MARKER_LENGTH - 1 bytes (chunks may be shorter than that).
    const keep = MARKER_LENGTH - 1;
    carry = chunk.length >= keep ? Buffer.from(chunk.subarray(chunk.length - keep)) : Buffer.concat([carry, chunk]).subarray(-keep);
  };
}

function post(agent, port, path, body) {
  return new Promise((resolve) => {
    const req = http.request(
      {
        agent,
        host: '127.0.0.1',
        port,
        method: 'POST',
        path,
        headers: { 'Content-Type': 'application/x-sentry-envelope', 'Content-Length': body.length },
      },
      (res) => {
        res.resume();
        res.on('end', () => resolve(res.statusCode));
        res.on('error', () => resolve('response-error'));
      },
    );
    req.setTimeout(30_000, () => req.destroy(new Error('timeout')));
    req.on('error', (error) => resolve(error.code ?? error.message));
    req.end(body);
  });
}

/**
 * Send `count` envelopes (stopping early after `maxMs`) with `concurrency` requests in flight. `sentAt[seq]` is the
 * time each request was issued; the marker of envelope `seq` is `markerOf(seq)`.
 */
export async function sendLoad({ port, count, concurrency, templates, markerOf, maxMs = 60_000, path = '/stream' }) {
  const agent = new http.Agent({ keepAlive: true, maxSockets: concurrency });
  const sentAt = new Float64Array(count);
  const accepted = new Uint8Array(count);
  const failures = {};
  let next = 0;
  let acceptedCount = 0;
  let bytes = 0;
  const started = performance.now();
  const deadline = started + maxMs;
  let lastResponse = started;

  const worker = async () => {
    while (next < count && performance.now() < deadline) {
      const seq = next++;
      const tpl = templates[LOAD_MIX[seq % LOAD_MIX.length]];
      const body = stamp(tpl, markerOf(seq));
      bytes += body.length;
      sentAt[seq] = performance.now();
      const status = await post(agent, port, path, body);
      lastResponse = performance.now();
      if (status === 200) {
        accepted[seq] = 1;
        acceptedCount++;
      } else failures[status] = (failures[status] ?? 0) + 1;
    }
  };
  const cpuBefore = process.cpuUsage();
  await Promise.all(Array.from({ length: concurrency }, worker));
  const cpu = process.cpuUsage(cpuBefore);
  agent.destroy();
  const sent = next;
  return {
    sent,
    accepted: acceptedCount,
    acceptedFlags: accepted,
    failures,
    sentAt,
    bytes,
    started,
    finished: lastResponse,
    seconds: (lastResponse - started) / 1000,
    generatorCpuMs: (cpu.user + cpu.system) / 1000,
  };
}

/** Wait until every viewer holds every accepted marker, or nothing new arrived for `quietMs`, or `maxMs` passed. */
export async function awaitDelivery(viewers, expected, { quietMs = 3000, maxMs = 30_000 } = {}) {
  const started = performance.now();
  let lastTotal = -1;
  let lastChange = started;
  for (;;) {
    const total = viewers.reduce((sum, v) => sum + v.state.received.size, 0);
    if (viewers.every((v) => v.state.received.size >= expected || v.state.closed)) return;
    const now = performance.now();
    if (total !== lastTotal) {
      lastTotal = total;
      lastChange = now;
    }
    if (now - lastChange > quietMs || now - started > maxMs) return;
    await new Promise((r) => setTimeout(r, 20));
  }
}

/**
 * Latency (ms) of every (envelope, viewer) pair that arrived, and what was lost: pairs and envelopes that were
 * accepted (200) but never reached a viewer. Markers are `prefix + seq` in hex.
 */
export function deliveryStats(viewers, load, prefix) {
  const latencies = [];
  let lostPairs = 0;
  const missingFromAny = new Uint8Array(load.sent);
  let lastReceived = load.started;
  for (const viewer of viewers) {
    const got = new Uint8Array(load.sent);
    for (const [marker, at] of viewer.state.received) {
      const seq = Number.parseInt(marker.slice(prefix.length), 16);
      if (!(seq < load.sent) || load.acceptedFlags[seq] !== 1) continue;
      got[seq] = 1;
      latencies.push(at - load.sentAt[seq]);
      if (at > lastReceived) lastReceived = at;
    }
    for (let seq = 0; seq < load.sent; seq++) {
      if (load.acceptedFlags[seq] === 1 && got[seq] === 0) {
        lostPairs++;
        missingFromAny[seq] = 1;
      }
    }
  }
  let lostEnvelopes = 0;
  for (let seq = 0; seq < load.sent; seq++) lostEnvelopes += missingFromAny[seq];
  return { latencies, lostPairs, lostEnvelopes, lastReceived };
}
