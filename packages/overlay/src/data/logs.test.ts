import { describe, expect, it } from 'vitest';
import { createSelector } from './derive.ts';
import { type LogRow, logs, logsOfEnvelope, userAttributes } from './logs.ts';
import type { StoredEnvelope } from './store.ts';
import { firstPayload, storedFixture } from './tracesFixtures.ts';

type LogContainer = { items: Record<string, unknown>[] };

function row(rows: readonly LogRow[], index = 0): LogRow {
  const found = rows[index];
  if (found === undefined) throw new Error(`no log row ${index}`);
  return found;
}

describe('log rows from log-v2 containers', () => {
  it('reads the log line of @sentry/node 11', () => {
    const log = row(logsOfEnvelope(storedFixture('sentry-node-11.12/log.envelope', 'l1', 5000)));
    expect(log).toMatchObject({
      id: 'l1:0',
      envelopeId: 'l1',
      receivedAt: 5000,
      level: 'info',
      severityNumber: 9,
      message: 'probe log line (url)',
      traceId: 'd953b6aa6fd14930be83e9daf81fae75',
      parameters: [],
    });
    expect(log.timestamp).toBeCloseTo(1795510029845.926, 2);
    expect(log.service.label).toBe('node · probe@1.0.0');
    expect(log.service.serverName).toBe('dev-laptop');
    expect(log.template).toBeUndefined();
    expect(userAttributes(log.attributes)).toEqual([['probe_mode', 'url']]);
  });

  it('reads the same from @sentry/node 10', () => {
    const log = row(logsOfEnvelope(storedFixture('sentry-node-10.78/log.envelope', 'l1', 5000)));
    expect([log.level, log.message, log.traceId, log.service.label]).toEqual([
      'info',
      'probe log line (url)',
      '908fd8af3b8f45dbb580937c65e5b3b1',
      'node · probe@1.0.0',
    ]);
  });

  it('keeps the template and its parameters of logger.fmt, and the active span', () => {
    const log = row(logsOfEnvelope(storedFixture('sentry-node-11.12/express-api-log.envelope', 'a', 1)));
    expect(log.message).toBe('loaded 3 items for dashboard');
    expect(log.template).toBe('loaded %s items for %s');
    expect(log.parameters).toEqual([3, 'dashboard']);
    expect(log.spanId).toBe('94299d212d93e74a');
    expect(log.service.label).toBe('node · api@1.0.0');
    expect(userAttributes(log.attributes)).toEqual([['route', '/api/items']]);
  });

  it('derives the level from the severity number when the level is missing or unknown', () => {
    const envelope = storedFixture('sentry-node-11.12/log.envelope', 'l', 1, (wire) => {
      const line = firstPayload<LogContainer>(wire).items[0] as Record<string, unknown>;
      const variants = [
        { level: undefined, severity_number: 17 },
        { level: 'warning', severity_number: undefined },
        { level: 'nonsense', severity_number: 21 },
        { level: 'DEBUG', severity_number: 5 },
        { level: undefined, severity_number: undefined, body: { nested: true } },
      ];
      firstPayload<LogContainer>(wire).items = variants.map((v) => ({ ...line, ...v }));
    });
    expect(logsOfEnvelope(envelope).map((l) => [l.level, l.message])).toEqual([
      ['error', 'probe log line (url)'],
      ['warn', 'probe log line (url)'],
      ['fatal', 'probe log line (url)'],
      ['debug', 'probe log line (url)'],
      ['info', '{"nested":true}'],
    ]);
  });

  it('reads a single log item that is not in a container', () => {
    const single = storedFixture('sentry-node-11.12/log.envelope', 's', 1, (wire) => {
      const line = firstPayload<LogContainer>(wire).items[0];
      wire[1] = [[{ type: 'log' }, line]];
    });
    expect(logsOfEnvelope(single).map((l) => l.message)).toEqual(['probe log line (url)']);
  });

  it('ignores what is not a log line', () => {
    const junk: StoredEnvelope = {
      id: 'j',
      receivedAt: 1,
      envelope: [
        {},
        [
          [{ type: 'log' }, { items: [null, 3, 'x'] }],
          [{ type: 'log' }, 'text'],
        ],
      ],
    };
    expect(logsOfEnvelope(junk)).toEqual([]);
  });
});

describe('selectLogs', () => {
  it('lists every service’s logs newest first', () => {
    const store = [
      storedFixture('sentry-node-11.12/express-web-log.envelope', 'w', 1),
      storedFixture('sentry-node-11.12/express-api-log.envelope', 'a', 2),
      storedFixture('sentry-node-10.78/log.envelope', 'o', 3),
    ];
    const selectLogs = createSelector(logs);
    const rows = selectLogs(store);
    expect(rows.map((l) => [l.message, l.service.label, l.level])).toEqual([
      ['loaded 3 items for dashboard', 'node · api@1.0.0', 'info'],
      ['dashboard cache is cold', 'node · web@2.0.0', 'warn'],
      ['probe log line (url)', 'node · probe@1.0.0', 'info'],
    ]);
    expect(selectLogs(store)).toBe(rows);
  });
});
