import { SendError, type Sender } from './delivery.ts';
import { rawRequest } from './rawHttp.ts';

/** The default sender: a POST over a raw socket (invisible to the app's instrumentation), time-bounded. */
export function rawSender(timeoutMs: number): Sender {
  return async (envelope, url) => {
    const response = await rawRequest(url, {
      method: 'POST',
      headers: { 'Content-Type': 'application/x-sentry-envelope' },
      body: envelope,
      signal: AbortSignal.timeout(timeoutMs),
    });
    if (response.status < 200 || response.status >= 300) {
      const reason = response.body.toString('utf8').slice(0, 200).trim();
      throw new SendError(`HTTP ${response.status}${reason ? `: ${reason}` : ''}`, response.status);
    }
  };
}
