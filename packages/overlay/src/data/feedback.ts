import type { Derivation } from './derive.ts';
import { asObject, asString, type JsonObject, timestampMs } from './errorEvent.ts';
import { type Attachment, attachmentsOf } from './grouping.ts';
import type { StoredEnvelope } from './store.ts';
import { hexId, isRecord } from './tracesPayload.ts';

/** What a user said about the app: a `feedback` item (the feedback widget, `captureFeedback`) or a legacy `user_report`. */
export interface Feedback {
  readonly id: string;
  readonly envelopeId: string;
  readonly message: string;
  readonly name?: string;
  readonly email?: string;
  /** The page it was sent from. */
  readonly url?: string;
  /** The error event it is about. */
  readonly eventId?: string;
  readonly traceId?: string;
  readonly replayId?: string;
  readonly source?: string;
  /** Epoch ms. */
  readonly timestamp: number;
  /** Screenshots and other files sent with it. */
  readonly attachments: readonly Attachment[];
}

function feedbackOf(payload: JsonObject, stored: StoredEnvelope, attachments: readonly Attachment[]): Feedback | undefined {
  const context = asObject(asObject(payload.contexts)?.feedback);
  if (context === undefined) return undefined;
  const out: { -readonly [K in keyof Feedback]: Feedback[K] } = {
    id: hexId(payload.event_id) ?? stored.id,
    envelopeId: stored.id,
    message: asString(context.message) ?? '',
    timestamp: timestampMs(payload.timestamp) ?? stored.receivedAt,
    attachments,
  };
  const set = <K extends keyof Feedback>(key: K, value: Feedback[K] | undefined): void => {
    if (value !== undefined) out[key] = value;
  };
  set('name', asString(context.name));
  set('email', asString(context.contact_email));
  set('url', asString(context.url));
  set('eventId', hexId(context.associated_event_id));
  set('replayId', asString(context.replay_id));
  set('source', asString(context.source));
  set('traceId', hexId(asObject(asObject(payload.contexts)?.trace)?.trace_id));
  return out;
}

function userReportOf(payload: JsonObject, stored: StoredEnvelope): Feedback {
  const out: { -readonly [K in keyof Feedback]: Feedback[K] } = {
    id: `${stored.id}:report`,
    envelopeId: stored.id,
    message: asString(payload.comments) ?? '',
    timestamp: stored.receivedAt,
    attachments: [],
  };
  const name = asString(payload.name);
  const email = asString(payload.email);
  const eventId = hexId(payload.event_id);
  if (name !== undefined) out.name = name;
  if (email !== undefined) out.email = email;
  if (eventId !== undefined) out.eventId = eventId;
  return out;
}

/** The feedback an envelope carries. */
export function feedbackOfEnvelope(stored: StoredEnvelope): Feedback[] {
  const items = stored.envelope[1];
  const out: Feedback[] = [];
  if (!items.some(([h]) => h.type === 'feedback' || h.type === 'user_report')) return out;
  for (const [header, payload] of items) {
    if (!isRecord(payload)) continue;
    if (header.type === 'feedback') {
      const feedback = feedbackOf(payload, stored, attachmentsOf(items));
      if (feedback !== undefined) out.push(feedback);
    } else if (header.type === 'user_report') {
      out.push(userReportOf(payload, stored));
    }
  }
  return out;
}

const newestFirst = (a: Feedback, b: Feedback): number => b.timestamp - a.timestamp;

/** Every feedback of these envelopes, newest first, read afresh (a store keeps `feedback` up to date). */
export function selectFeedback(envelopes: readonly StoredEnvelope[]): Feedback[] {
  return envelopes.flatMap((stored) => feedbackOfEnvelope(stored)).sort(newestFirst);
}

interface FeedbackState {
  /** In arrival order. */
  all: Feedback[];
  out: readonly Feedback[] | undefined;
}

/** The store's feedback, newest first (rare: the list is sorted again when one comes or goes). */
export const feedback: Derivation<FeedbackState, readonly Feedback[]> = {
  name: 'feedback',
  create: () => ({ all: [], out: [] }),
  add(state, entry, ctx) {
    const found = ctx.of(feedbackOfEnvelope, entry);
    if (found.length === 0) return;
    state.all.push(...found);
    state.out = undefined;
  },
  remove(state, entry, ctx) {
    const found = ctx.of(feedbackOfEnvelope, entry);
    if (found.length === 0) return;
    state.all = state.all.filter((item) => !found.includes(item));
    state.out = undefined;
  },
  result(state) {
    state.out ??= state.all.slice().sort(newestFirst);
    return state.out;
  },
};
