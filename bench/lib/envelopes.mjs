// Realistic envelopes for the load, built from the real captured ones in fixtures/ (what @sentry/node 10 and 11 sent),
// enlarged to the sizes the benchmark issue names: an error of about 6 KB with a 30-frame stack trace, a transaction
// of 50 spans (about 20 KB) and a span-v2 container. Every envelope carries a unique 32-hex marker (its event_id, or
// for span containers its trace_id) that the viewers look for in the SSE stream.
import { randomBytes } from 'node:crypto';
import { readFileSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';

export const FIXTURES_DIR = join(dirname(fileURLToPath(import.meta.url)), '..', '..', 'fixtures');

/** 32 characters, not hex: never confused with a real id, replaced in place by the marker. */
const PLACEHOLDER = 'MARKERMARKERMARKERMARKERMARKERMK';
export const MARKER_LENGTH = 32;

function readFixture(sdk, name) {
  const text = readFileSync(join(FIXTURES_DIR, sdk, `${name}.envelope`), 'utf8');
  const lines = text.split('\n');
  const header = JSON.parse(lines[0] ?? '');
  const itemHeader = JSON.parse(lines[1] ?? '');
  const payload = JSON.parse(lines[2] ?? '');
  return { header, itemHeader, payload };
}

/** The SDK's framing: header line, item header line, payload line, no `length` (as the fixtures were sent). */
export function frame(header, items) {
  let out = JSON.stringify(header);
  for (const [itemHeader, payload] of items) out += `\n${JSON.stringify(itemHeader)}\n${JSON.stringify(payload)}`;
  return `${out}\n`;
}

const LIBRARY_FRAMES = [
  ['/home/dev/app/node_modules/express/lib/router/layer.js', 'Layer.handle [as handle_request]'],
  ['/home/dev/app/node_modules/express/lib/router/route.js', 'next'],
  ['/home/dev/app/node_modules/express/lib/router/route.js', 'Route.dispatch'],
  ['/home/dev/app/node_modules/express/lib/router/index.js', 'Function.process_params'],
  ['/home/dev/app/node_modules/express/lib/router/index.js', 'next'],
  ['/home/dev/app/node_modules/body-parser/lib/types/json.js', 'jsonParser'],
  ['/home/dev/app/node_modules/@sentry/core/build/cjs/tracing/trace.js', 'startSpan'],
  ['node:internal/process/task_queues', 'process.processTicksAndRejections'],
  ['node:internal/async_hooks', 'AsyncLocalStorage.run'],
  ['node:events', 'EventEmitter.emit'],
];

/**
 * An error event: the fixture's (SDK 11) contexts, tags and in-app throwing frame with source context, plus 29
 * frames without context (library and runtime frames, as Node's SDK reports them), innermost last.
 */
export function errorEnvelope({ eventId, traceId, message = 'probe error (url)', fn = 'level3', type = 'Error', timestamp }) {
  const { header, itemHeader, payload } = readFixtureCached('sentry-node-11.12', 'event');
  const frames = payload.exception.values[0].stacktrace.frames;
  const thrower = { ...frames[frames.length - 1], function: fn };
  const stack = [];
  for (let i = 0; i < 29; i++) {
    const [filename, func] = LIBRARY_FRAMES[i % LIBRARY_FRAMES.length];
    stack.push({ filename, function: func, lineno: 40 + ((i * 37) % 300), colno: 5 + (i % 20), in_app: false });
  }
  stack.push(thrower);
  const now = timestamp ?? Date.now() / 1000;
  const event = {
    ...payload,
    event_id: eventId,
    timestamp: now,
    exception: { values: [{ ...payload.exception.values[0], type, value: message, stacktrace: { frames: stack } }] },
    contexts: { ...payload.contexts, trace: { ...payload.contexts.trace, trace_id: traceId } },
  };
  return frame(
    { ...header, event_id: eventId, sent_at: new Date(now * 1000).toISOString(), trace: { ...header.trace, trace_id: traceId } },
    [[itemHeader, event]],
  );
}

const OPS = ['db.query', 'http.client', 'cache.get', 'function', 'db.query', 'middleware.express', 'serialize'];

/** A transaction (SDK 10 sends them) with 50 child spans, each shaped like the fixture's. */
export function transactionEnvelope({ eventId, traceId, name = 'GET /api/items', timestamp, spanCount = 50 }) {
  const { header, itemHeader, payload } = readFixtureCached('sentry-node-10.78', 'transaction');
  const template = payload.spans[0];
  const end = timestamp ?? Date.now() / 1000;
  const start = end - 0.25;
  const rootSpanId = hex(16);
  const spans = [];
  for (let i = 0; i < spanCount; i++) {
    const op = OPS[i % OPS.length];
    spans.push({
      ...template,
      data: { ...template.data, 'sentry.op': op, 'db.system': op === 'db.query' ? 'postgresql' : undefined },
      description: op === 'db.query' ? `SELECT * FROM items WHERE id = $1 /* span ${i} */` : `${op} step ${i}`,
      op,
      parent_span_id: i < 5 ? rootSpanId : spans[i % 5].span_id,
      span_id: hex(16),
      start_timestamp: start + i * 0.004,
      timestamp: start + i * 0.004 + 0.003,
      trace_id: traceId,
    });
  }
  const tx = {
    ...payload,
    event_id: eventId,
    transaction: name,
    start_timestamp: start,
    timestamp: end,
    spans,
    contexts: { ...payload.contexts, trace: { ...payload.contexts.trace, trace_id: traceId, span_id: rootSpanId } },
  };
  return frame(
    {
      ...header,
      event_id: eventId,
      sent_at: new Date(end * 1000).toISOString(),
      trace: { ...header.trace, trace_id: traceId, transaction: name },
    },
    [[itemHeader, tx]],
  );
}

/** A span-v2 container (what SDK 11 sends instead of transactions): the fixture's spans, moved to `traceId`. */
export function spanContainerEnvelope({ traceId, timestamp }) {
  const { header, itemHeader, payload } = readFixtureCached('sentry-node-11.12', 'span');
  const end = timestamp ?? Date.now() / 1000;
  const shift = end - Math.max(...payload.items.map((s) => s.end_timestamp));
  const items = payload.items.map((s) => ({
    ...s,
    trace_id: traceId,
    start_timestamp: s.start_timestamp + shift,
    end_timestamp: s.end_timestamp + shift,
  }));
  return frame({ ...header, sent_at: new Date(end * 1000).toISOString(), trace: { trace_id: traceId, environment: 'probe' } }, [
    [itemHeader, { ...payload, items }],
  ]);
}

/** A log-v2 container (fixture of SDK 11) for the overlay's mix. */
export function logEnvelope({ traceId, body, timestamp }) {
  const { header, itemHeader, payload } = readFixtureCached('sentry-node-11.12', 'log');
  const ts = timestamp ?? Date.now() / 1000;
  return frame(header, [[itemHeader, { ...payload, items: payload.items.map((l) => ({ ...l, body, trace_id: traceId, timestamp: ts })) }]]);
}

/** A session update (fixture of SDK 11) for the overlay's mix. */
export function sessionEnvelope({ sid, timestamp }) {
  const { header, itemHeader, payload } = readFixtureCached('sentry-node-11.12', 'session');
  const iso = new Date((timestamp ?? Date.now() / 1000) * 1000).toISOString();
  return frame({ ...header, sent_at: iso }, [[itemHeader, { ...payload, sid, timestamp: iso }]]);
}

const cache = new Map();
function readFixtureCached(sdk, name) {
  const key = `${sdk}/${name}`;
  let value = cache.get(key);
  if (!value) {
    value = readFixture(sdk, name);
    cache.set(key, value);
  }
  return structuredClone(value);
}

export function hex(length) {
  return randomBytes(Math.ceil(length / 2))
    .toString('hex')
    .slice(0, length);
}

/** A body with every occurrence of the placeholder recorded, so stamping a marker is a copy plus a few writes. */
function template(kind, text) {
  const bytes = Buffer.from(text, 'utf8');
  const positions = [];
  for (let at = bytes.indexOf(PLACEHOLDER); at !== -1; at = bytes.indexOf(PLACEHOLDER, at + MARKER_LENGTH)) positions.push(at);
  if (positions.length === 0) throw new Error(`bench: ${kind} template has no marker`);
  return { kind, bytes, positions };
}

/** The three kinds of the load, each a template whose marker is stamped per envelope. */
export function loadTemplates() {
  const traceId = hex(32);
  return {
    error: template('error', errorEnvelope({ eventId: PLACEHOLDER, traceId })),
    transaction: template('transaction', transactionEnvelope({ eventId: PLACEHOLDER, traceId })),
    span: template('span', spanContainerEnvelope({ traceId: PLACEHOLDER })),
  };
}

/** Half errors, a quarter transactions, a quarter span-v2 containers. */
export const LOAD_MIX = ['error', 'span', 'error', 'transaction'];

export function stamp(tpl, marker) {
  const out = Buffer.allocUnsafe(tpl.bytes.length);
  tpl.bytes.copy(out);
  for (const at of tpl.positions) out.write(marker, at, MARKER_LENGTH, 'latin1');
  return out;
}

/** Markers of one run: a random 8-hex prefix (what viewers search for) and a 24-hex sequence number. */
export function markerFactory() {
  const prefix = hex(8);
  return {
    prefix,
    marker: (seq) => prefix + seq.toString(16).padStart(MARKER_LENGTH - prefix.length, '0'),
  };
}

/**
 * The overlay's 10,000 mixed envelopes: errors in many distinct issues (distinct in-app function names, so grouping
 * cannot fold them into a handful of rows), transactions and span containers in distinct traces, logs, sessions.
 */
export function overlayEnvelopes(count, { issues = 1000 } = {}) {
  const out = [];
  const base = Date.now() / 1000 - count * 0.01;
  for (let i = 0; i < count; i++) {
    const timestamp = base + i * 0.01;
    const traceId = hex(32);
    const slot = i % 20;
    if (slot < 8) {
      const group = i % issues;
      out.push(
        errorEnvelope({
          eventId: hex(32),
          traceId,
          timestamp,
          type: ['TypeError', 'Error', 'RangeError'][group % 3],
          fn: `handler${group}`,
          message: `cannot read item ${group} of order ${i}`,
        }),
      );
    } else if (slot < 12) out.push(transactionEnvelope({ eventId: hex(32), traceId, timestamp, name: `GET /api/items/${i % 500}` }));
    else if (slot < 16) out.push(spanContainerEnvelope({ traceId, timestamp }));
    else if (slot < 19) out.push(logEnvelope({ traceId, timestamp, body: `handled request ${i}` }));
    else out.push(sessionEnvelope({ sid: hex(32), timestamp }));
  }
  return out;
}

/**
 * Span-v2 containers holding `spanCount` database spans in all, `perTrace` per request (one segment each):
 * 2,000 distinct statements (tables x columns x verbs, literals inlined as ORMs such as Sequelize send them),
 * and in every fifth request an N+1 loop (the same statement once per row).
 */
export function queryEnvelopes(spanCount, { perTrace = 100 } = {}) {
  const bodies = [];
  const now = Date.now() / 1000;
  const attr = (value) => ({ value, type: typeof value === 'number' ? 'integer' : 'string' });
  let made = 0;
  for (let t = 0; made < spanCount; t++) {
    const traceId = hex(32);
    const segmentId = hex(16);
    const start = now - 1 + t * 0.005;
    const items = [
      {
        trace_id: traceId,
        span_id: segmentId,
        name: `GET /reports/${t % 50}`,
        start_timestamp: start,
        end_timestamp: start + 0.4,
        is_segment: true,
        status: 'ok',
        attributes: { 'sentry.op': attr('http.server') },
      },
    ];
    const n = Math.min(perTrace, spanCount - made);
    for (let i = 0; i < n; i++) {
      const loop = t % 5 === 0 && i < 20;
      const k = (t * perTrace + i) % 2000;
      const statement = loop
        ? `SELECT * FROM customers WHERE id = ${i + 1} LIMIT 1`
        : `${['SELECT', 'UPDATE', 'DELETE'][k % 3]} ${k % 3 === 0 ? `col_${k % 40} FROM` : ''} table_${Math.floor(k / 3)} WHERE id = ${i} AND name = 'n${i}'`;
      const s = start + 0.001 + i * 0.003;
      items.push({
        trace_id: traceId,
        span_id: hex(16),
        parent_span_id: segmentId,
        name: statement.slice(0, 30),
        start_timestamp: s,
        end_timestamp: s + 0.002 + (i % 7) * 0.0004,
        is_segment: false,
        status: 'ok',
        attributes: { 'sentry.op': attr('db'), 'db.system.name': attr('postgresql'), 'db.query.text': attr(statement) },
      });
    }
    made += n;
    bodies.push(
      frame(
        {
          sent_at: new Date().toISOString(),
          sdk: { name: 'sentry.javascript.node', version: '11.12.0' },
          trace: { trace_id: traceId, environment: 'probe' },
        },
        [
          [
            { type: 'span', item_count: items.length, content_type: 'application/vnd.sentry.items.span.v2+json' },
            { version: 2, items },
          ],
        ],
      ),
    );
  }
  return bodies;
}
