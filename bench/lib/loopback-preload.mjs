// Preloaded (`node --import`) into the published sidecar, which has no host flag and would listen on every
// interface, and which reports its own telemetry to sentry.io. The bench stays on loopback: listen() without a
// host gets 127.0.0.1, and outbound connections to anything but loopback fail at once (before any DNS look-up),
// so its SDK still does all its in-process work but never reaches the network.
import net from 'node:net';

const LOOPBACK = new Set(['127.0.0.1', 'localhost', '::1', '[::1]']);

const originalListen = net.Server.prototype.listen;
net.Server.prototype.listen = function listen(...args) {
  const [first, second] = args;
  if (typeof first === 'number' || (typeof first === 'string' && /^\d+$/.test(first))) {
    if (typeof second !== 'string') args.splice(1, 0, '127.0.0.1');
  } else if (first && typeof first === 'object' && !('fd' in first) && !('path' in first) && !first.host) {
    args[0] = { ...first, host: '127.0.0.1' };
  }
  return originalListen.apply(this, args);
};

const originalConnect = net.Socket.prototype.connect;
net.Socket.prototype.connect = function connect(...args) {
  const options = args[0] && typeof args[0] === 'object' && !Array.isArray(args[0]) ? args[0] : null;
  const host = options ? options.host : typeof args[0] === 'number' ? args[1] : undefined;
  const isPipe = options ? 'path' in options && options.path : typeof args[0] === 'string' && !/^\d+$/.test(args[0]);
  if (!isPipe && typeof host === 'string' && !LOOPBACK.has(host)) {
    process.nextTick(() =>
      this.destroy(Object.assign(new Error(`bench: outbound connection to ${host} blocked`), { code: 'ECONNREFUSED' })),
    );
    return this;
  }
  return originalConnect.apply(this, args);
};
