export { concatBytes, fromBase64, toBase64, utf8Decode, utf8Encode } from './bytes.ts';
export { type EnvelopeErrorCode, EnvelopeParseError } from './errors.ts';
export * from './items.ts';
export { type Envelope, type EnvelopeHeaders, type Item, type ItemHeaders, JSON_ITEM_TYPES, RAW_ITEM_TYPES } from './model.ts';
export { type ParseOptions, parseEnvelope } from './parse.ts';
export {
  type EnvelopeSource,
  parseSidecarState,
  readHealthAnswer,
  type SidecarHealth,
  type SidecarProbe,
  type SidecarState,
  SPOTLIGHT_POWERED_BY,
  SSE_CLEAR_EVENT,
  SSE_ENVELOPE_EVENT,
  SseFrameError,
  type SseFrameFields,
  type StoredEnvelope,
  sseFrame,
} from './protocol.ts';
export { parseSampleRate, TRACE_ITEM_TYPES, traceSampleRand } from './sampling.ts';
export { createEnvelope, createItem, serializeEnvelope } from './serialize.ts';
export {
  ENVELOPE_CONTENT_TYPE,
  isSessionFile,
  readSessionFile,
  SESSION_FILE_ITEM_TYPE,
  SESSION_FILE_VERSION,
  type SessionFileEntry,
  type SessionFileMeta,
  writeSessionFile,
} from './sessionFile.ts';
export {
  decodeWireEnvelope,
  encodeWireEnvelope,
  toWireEnvelope,
  type WireEncodeOptions,
  type WireEnvelope,
  WireFormatError,
  type WireItem,
  type WireMeta,
  wireEnvelopeParts,
} from './wire.ts';
