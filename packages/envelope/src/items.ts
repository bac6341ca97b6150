import type { Event, SerializedLogContainer, SerializedSession, SerializedStreamedSpanContainer } from '@sentry/core';
import { utf8Decode } from './bytes.ts';
import type { Item } from './model.ts';

/** Decodes an item's payload as JSON. Throws a SyntaxError when it is not JSON. */
export function itemJson(item: Item): unknown {
  return JSON.parse(utf8Decode(item.payload));
}

/** The content type of a span-v2 container (what `@sentry/node` 10+ sends instead of transactions). */
export const SPAN_V2_CONTENT_TYPE = 'application/vnd.sentry.items.span.v2+json';
/** The content type of a log-v2 container. */
export const LOG_V2_CONTENT_TYPE = 'application/vnd.sentry.items.log+json';

export type ErrorEventItem = Item & { header: { type: 'event' } };
export type TransactionItem = Item & { header: { type: 'transaction' } };

export const isEventItem = (item: Item): item is ErrorEventItem => item.header.type === 'event';
export const isTransactionItem = (item: Item): item is TransactionItem => item.header.type === 'transaction';
export const isSpanItem = (item: Item): boolean => item.header.type === 'span';
export const isLogItem = (item: Item): boolean => item.header.type === 'log';
export const isSessionItem = (item: Item): boolean => item.header.type === 'session';
export const isAttachmentItem = (item: Item): boolean => item.header.type === 'attachment';

/** Payload types of the common items, as Sentry's SDKs define them. */
export type { Event, SerializedLogContainer, SerializedSession, SerializedStreamedSpanContainer };
