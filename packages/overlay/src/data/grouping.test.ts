import { decodeWireEnvelope, parseEnvelope, toWireEnvelope, utf8Decode, type WireEnvelope } from '@spotlight/envelope';
import { describe, expect, it } from 'vitest';
import { fixture } from '../../../envelope/src/test/fixtures.ts';
import { createSelector } from './derive.ts';
import { errorEventsOf, groupIssues, groupingOf, maskMessage, selectErrorEvents } from './grouping.ts';
import { createStore } from './index.ts';
import { errorArrivals, issues } from './issues.ts';
import type { StoredEnvelope } from './store.ts';

type Json = Record<string, unknown>;

function stored(envelope: WireEnvelope, id: string, receivedAt = 1_000): StoredEnvelope {
  return { id, receivedAt, envelope };
}

function fixtureEnvelope(name: string): WireEnvelope {
  return toWireEnvelope(parseEnvelope(fixture(name)));
}

/** The captured node event, as a template for variations (a new event id and time each). */
function nodeEvent(n: number, change: (event: Json) => void = () => {}): StoredEnvelope {
  const [header, items] = fixtureEnvelope('sentry-node-11.12/event.envelope');
  const event = structuredClone(items[0]?.[1]) as Json;
  event.event_id = `${String(n).padStart(8, '0')}${'0'.repeat(24)}`;
  event.timestamp = 1_795_510_029 + n;
  change(event);
  return stored([{ ...header, event_id: event.event_id as string }, [[{ type: 'event' }, event]]], `id-${String(n).padStart(4, '0')}`);
}

function setValue(event: Json, value: string): void {
  const values = (event.exception as { values: Json[] }).values;
  (values[0] as Json).value = value;
}

function frames(event: Json): Json[] {
  return ((event.exception as { values: { stacktrace: { frames: Json[] } }[] }).values[0]?.stacktrace.frames ?? []) as Json[];
}

function messageEvent(n: number, message: Json | string): StoredEnvelope {
  return stored(
    [{ event_id: `m${n}` }, [[{ type: 'event' }, { event_id: `m${n}`, message, level: 'warning', timestamp: 1_795_510_000 + n }]]],
    `m-${n}`,
  );
}

describe('error events', () => {
  it('reads the captured node event: title, culprit relative to the app root, service', () => {
    const [record] = errorEventsOf(stored(fixtureEnvelope('sentry-node-11.12/event.envelope'), 'e1', 5_000));
    expect(record).toMatchObject({
      key: 'e1',
      eventId: 'c338dc2e74ec4fa8b7fa2c44d7ed9f2d',
      envelopeId: 'e1',
      receivedAt: 5_000,
      timestamp: 1_795_510_029_820,
      level: 'error',
      title: 'Error',
      subtitle: 'probe error (url)',
      culprit: '~/src/probe.mjs in level3',
      appRoot: '/home/dev/app',
      grouping: ['Error', 'probe-sdk ?', 'probe-sdk level1', 'probe-sdk level2', 'probe-sdk level3'],
    });
    expect(record?.service.label).toBe('node · probe@1.0.0');
  });

  it('shows paths relative to the app root the SDK declared', () => {
    const [record] = errorEventsOf(
      nodeEvent(7, (event) => {
        (event.contexts as Json).app = { app_root: '/home/dev' };
      }),
    );
    expect(record?.appRoot).toBe('/home/dev');
    expect(record?.culprit).toBe('~/app/src/probe.mjs in level3');
  });

  it('ignores envelopes without error events and keeps attachments with their event', () => {
    expect(errorEventsOf(stored(fixtureEnvelope('sentry-node-11.12/span.envelope'), 's'))).toEqual([]);
    expect(errorEventsOf(stored(fixtureEnvelope('sentry-node-10.78/transaction.envelope'), 't'))).toEqual([]);
    const bytes = new Uint8Array([0x89, 0x50, 0x4e, 0x47]);
    const envelope: WireEnvelope = [
      { event_id: 'a1' },
      [
        [{ type: 'event' }, { event_id: 'a1', message: 'with files' }],
        [{ type: 'attachment', filename: 'shot.png', content_type: 'image/png', attachment_type: 'event.attachment' }, bytes],
        [{ type: 'attachment', filename: 'notes.txt', content_type: 'text/plain' }, 'hello'],
      ],
    ];
    const [record] = errorEventsOf(stored(envelope, 'a'));
    expect(record?.attachments).toEqual([
      { filename: 'shot.png', contentType: 'image/png', attachmentType: 'event.attachment', data: bytes },
      { filename: 'notes.txt', contentType: 'text/plain', data: 'hello' },
    ]);
  });

  it('reads every event of the published sidecar stream', () => {
    const text = utf8Decode(fixture('published-spotlight-4.11.8-stream.txt'));
    const envelopes = text
      .split('\n')
      .filter((line) => line.startsWith('data: '))
      .map((line, i) => stored(decodeWireEnvelope(line.slice(6)), `p-${i}`));
    const events = selectErrorEvents(envelopes);
    expect(events.map((e) => e.subtitle)).toEqual(['probe error (url)', 'probe error (true+env)', 'probe error (env-only)']);
    // Same stack, different message: one issue.
    const issues = groupIssues(events);
    expect(issues).toHaveLength(1);
    expect(issues[0]?.count).toBe(3);
  });
});

describe('grouping into issues', () => {
  it('makes 40 alike errors one row with 40', () => {
    const envelopes = Array.from({ length: 40 }, (_, n) => nodeEvent(n, (event) => setValue(event, `resource ${n} not found`)));
    const issues = groupIssues(selectErrorEvents(envelopes));
    expect(issues).toHaveLength(1);
    const [issue] = issues;
    expect(issue?.count).toBe(40);
    expect(issue?.title).toBe('Error');
    expect(issue?.subtitle).toBe('resource 39 not found');
    expect(issue?.firstSeen).toBe(1_795_510_029_000);
    expect(issue?.lastSeen).toBe(1_795_510_068_000);
    expect(issue?.latest.eventId).toBe(`00000039${'0'.repeat(24)}`);
    expect(issue?.services.map((s) => s.label)).toEqual(['node · probe@1.0.0']);
  });

  it('ignores line numbers and app roots, but not functions', () => {
    const moved = nodeEvent(1, (event) => {
      for (const frame of frames(event)) {
        frame.lineno = (frame.lineno as number) + 10;
        frame.filename = String(frame.filename).replace('/home/dev/app', '/Users/someone/code/app');
        delete frame.module;
      }
    });
    const original = nodeEvent(2, (event) => {
      for (const frame of frames(event)) delete frame.module;
    });
    const otherStack = nodeEvent(3, (event) => {
      const last = frames(event).at(-1);
      if (last) last.function = 'level4';
    });
    const otherType = nodeEvent(4, (event) => {
      ((event.exception as { values: Json[] }).values[0] as Json).type = 'TypeError';
    });
    const issues = groupIssues(selectErrorEvents([moved, original, otherStack, otherType]));
    expect(issues).toHaveLength(3);
    const byCount = issues.map((i) => i.count).sort();
    expect(byCount).toEqual([1, 1, 2]);
    expect(issues.find((i) => i.count === 2)?.latest.grouping).toEqual([
      'Error',
      '~/src/probe.mjs ?',
      '~/src/probe.mjs level1',
      '~/src/probe.mjs level2',
      '~/src/probe.mjs level3',
    ]);
  });

  it('groups by library frames only when no frame is in-app', () => {
    const lib = (fn: string) =>
      nodeEvent(fn.length, (event) => {
        for (const frame of frames(event)) {
          frame.in_app = false;
          frame.filename = '/home/dev/app/node_modules/pg/lib/client.js';
          delete frame.module;
        }
        const last = frames(event).at(-1);
        if (last) last.function = fn;
      });
    expect(groupingOf(lib('query').envelope[1][0]?.[1] as Json)).toContain('node_modules/pg/lib/client.js query');
    expect(groupIssues(selectErrorEvents([lib('query'), lib('connect')]))).toHaveLength(2);
  });

  it('uses the fingerprint, expanding {{ default }}', () => {
    const tenant = (n: number, name: string) => nodeEvent(n, (event) => (event.fingerprint = ['{{ default }}', name]));
    const custom = (n: number, fn: string) =>
      nodeEvent(n, (event) => {
        event.fingerprint = ['database-down'];
        const last = frames(event).at(-1);
        if (last) last.function = fn;
      });
    const issues = groupIssues(selectErrorEvents([tenant(1, 'a'), tenant(2, 'b'), tenant(3, 'a'), custom(4, 'x'), custom(5, 'y')]));
    expect(issues.map((i) => i.count).sort()).toEqual([1, 2, 2]);
    const fingerprinted = issues.find((i) => i.latest.grouping[0] === 'fp:database-down');
    expect(fingerprinted?.count).toBe(2);
    expect(groupingOf({ fingerprint: ['{{default}}'], message: 'x 1' })).toEqual(['x <n>']);
  });

  it('groups messages with numbers, ids and hex masked', () => {
    const envelopes = [
      messageEvent(1, 'User 42 not found (request 3f2a9c1e-1b2c-4d5e-8f90-123456789abc)'),
      messageEvent(2, 'User 7 not found (request 0b7a0e6e-9b8d-4a6c-b1f0-abcdefabcdef)'),
      messageEvent(3, { formatted: 'Cache miss for key a3f9c2d1e8', message: 'Cache miss for key %s', params: ['a3f9c2d1e8'] }),
      messageEvent(4, { formatted: 'Cache miss for key users', message: 'Cache miss for key %s', params: ['users'] }),
      messageEvent(5, 'Payment failed'),
    ];
    const issues = groupIssues(selectErrorEvents(envelopes));
    expect(issues.map((i) => [i.title, i.count])).toEqual([
      ['Payment failed', 1],
      ['Cache miss for key users', 2],
      ['User 7 not found (request 0b7a0e6e-9b8d-4a6c-b1f0-abcdefabcdef)', 2],
    ]);
    expect(issues[0]?.level).toBe('warning');
  });

  it('masks what varies in messages', () => {
    expect(maskMessage('GET /users/42 took 12.5ms at 2026-11-24T08:47:09.838Z for bob@example.com (0xdeadbeef, 9f86d081884c7d65)')).toBe(
      'GET /users/<n> took <n>ms at <date> for <email> (<hex>, <hex>)',
    );
    expect(maskMessage('\u001b[31mfailed\u001b[0m deadline')).toBe('failed deadline');
  });

  it('keeps the grouping of the same event stable across calls (issue ids in routes)', () => {
    const a = errorEventsOf(nodeEvent(1))[0];
    const b = errorEventsOf(nodeEvent(2))[0];
    expect(a?.issueId).toMatch(/^[0-9a-f]{14}$/);
    expect(a?.issueId).toBe(b?.issueId);
  });
});

describe('selectors', () => {
  it('recomputes issues only when the envelope array changes', () => {
    const selectIssues = createSelector(issues);
    const envelopes = [nodeEvent(1), nodeEvent(2)];
    const first = selectIssues(envelopes);
    expect(selectIssues(envelopes)).toBe(first);
    expect(selectIssues([...envelopes, nodeEvent(3)])[0]?.count).toBe(3);
  });

  it('counts errors in envelopes not seen yet', () => {
    const envelopes = [nodeEvent(1), stored(fixtureEnvelope('sentry-node-11.12/log.envelope'), 'log'), nodeEvent(2), nodeEvent(3)];
    // Seen: every envelope up to one (the overlay was open while they were there).
    const store = createStore({ schedule: () => () => {} });
    for (const { envelope, id } of envelopes) store.add(envelope, id);
    store.flush();
    const held = store.getSnapshot().envelopes;
    expect(store.read(errorArrivals).since(-1)).toBe(3);
    expect(store.read(errorArrivals).since(store.seqOf(held[2] as StoredEnvelope))).toBe(1);
  });
});
