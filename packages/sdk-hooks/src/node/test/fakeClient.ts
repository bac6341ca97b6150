import type { SentryClientLike, SentryEnvelopeLike, SentryTransportLike } from '../../sentry.ts';

/** A stand-in for a Sentry client: hooks, options, transport; `emit` plays the SDK's part. */
export class FakeClient implements SentryClientLike {
  readonly hooks = new Map<string, ((...args: unknown[]) => void)[]>();
  _transport: SentryTransportLike | undefined;
  readonly integrations = new Map<string, unknown>();

  constructor(
    readonly options: Record<string, unknown> = {},
    transport?: SentryTransportLike,
  ) {
    this._transport = transport;
  }

  on(hook: string, callback: (...args: unknown[]) => void): () => void {
    const list = this.hooks.get(hook) ?? [];
    list.push(callback);
    this.hooks.set(hook, list);
    return () => list.splice(list.indexOf(callback), 1);
  }

  emit(hook: string, ...args: unknown[]): void {
    for (const callback of this.hooks.get(hook) ?? []) callback(...args);
  }

  getOptions(): Record<string, unknown> {
    return this.options;
  }

  getTransport(): SentryTransportLike | undefined {
    return this._transport;
  }

  getDsn(): undefined {
    return undefined;
  }

  getIntegrationByName(name: string): unknown {
    return this.integrations.get(name);
  }

  addIntegration(integration: { name: string; setup?(client: SentryClientLike): void }): void {
    if (this.integrations.has(integration.name)) return;
    this.integrations.set(integration.name, integration);
    integration.setup?.(this);
  }

  /** What the SDK does with an envelope: announce it, then hand it to the transport. */
  async sendEnvelope(envelope: SentryEnvelopeLike): Promise<void> {
    this.emit('beforeEnvelope', envelope);
    await this._transport?.send(envelope);
  }
}
