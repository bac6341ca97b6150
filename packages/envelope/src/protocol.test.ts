import { describe, expect, it } from 'vitest';
import { utf8Decode, utf8Encode } from './bytes.ts';
import {
  parseSidecarState,
  readHealthAnswer,
  SPOTLIGHT_POWERED_BY,
  SSE_CLEAR_EVENT,
  SSE_ENVELOPE_EVENT,
  SseFrameError,
  sseFrame,
} from './protocol.ts';

const text = (fields: Parameters<typeof sseFrame>[0]) => utf8Decode(sseFrame(fields));

describe('sseFrame', () => {
  it('writes an envelope event as id, event and one data line, then the blank line', () => {
    const data = utf8Encode('[{"event_id":"e"},[]]');
    expect(text({ id: '01a2', event: SSE_ENVELOPE_EVENT, data })).toBe(
      'id: 01a2\nevent: application/x-sentry-envelope\ndata: [{"event_id":"e"},[]]\n\n',
    );
  });

  it('writes the clear event, the opening retry and a heartbeat comment', () => {
    expect(text({ event: SSE_CLEAR_EVENT, data: '{}' })).toBe('event: spotlight.clear\ndata: {}\n\n');
    expect(text({ retry: 1000 })).toBe('retry: 1000\n\n');
    expect(text({ comment: 'keep-alive' })).toBe(': keep-alive\n\n');
  });

  it('splits data and comments with line breaks into one line each, text or bytes', () => {
    expect(text({ data: 'a\r\nb\rc\nd' })).toBe('data: a\ndata: b\ndata: c\ndata: d\n\n');
    expect(text({ data: utf8Encode('one\ntwo') })).toBe('data: one\ndata: two\n\n');
    expect(text({ comment: 'x\ny' })).toBe(': x\n: y\n\n');
  });

  it('refuses CR or LF in id and event with a typed error, as they would forge fields', () => {
    for (const fields of [{ id: 'a\nevent: x' }, { id: 'a\r' }, { event: 'x\ndata: y' }, { event: '\r' }]) {
      expect(() => sseFrame(fields)).toThrow(SseFrameError);
    }
    expect(() => sseFrame({ id: 'a\nb' })).toThrow('SSE id must not contain CR or LF');
  });

  it('refuses a retry that is not a whole number of ms', () => {
    for (const retry of [-1, 1.5, Number.NaN]) expect(() => sseFrame({ retry })).toThrow(SseFrameError);
  });
});

describe('readHealthAnswer', () => {
  it('recognizes our sidecar by its JSON and the published one by X-Powered-By', () => {
    expect(readHealthAnswer(200, undefined, JSON.stringify({ name: 'spotlight', pid: 42 }))).toEqual({ kind: 'spotlight', pid: 42 });
    expect(readHealthAnswer(404, SPOTLIGHT_POWERED_BY, 'Not Found')).toEqual({ kind: 'spotlight', pid: undefined });
  });

  it('calls anything else another program, with its status', () => {
    expect(readHealthAnswer(404, 'Express', 'Cannot GET /health')).toEqual({ kind: 'other', status: 404 });
    expect(readHealthAnswer(500, undefined, JSON.stringify({ name: 'spotlight' }))).toEqual({ kind: 'other', status: 500 });
    expect(readHealthAnswer(200, undefined, '[1]')).toEqual({ kind: 'other', status: 200 });
  });
});

describe('parseSidecarState', () => {
  it('reads the url and pid a sidecar wrote', () => {
    const state = { url: 'http://localhost:41234', port: 41234, pid: 7, startedAt: '2026-11-25T00:00:00.000Z' };
    expect(parseSidecarState(JSON.stringify(state))).toEqual({ url: state.url, pid: 7 });
  });

  it('refuses text that is not a state', () => {
    for (const bad of ['', '{"url":', '[]', '{"url":"http://localhost:1"}', '{"url":1,"pid":2}', 'null']) {
      expect(parseSidecarState(bad), bad).toBeUndefined();
    }
  });
});
