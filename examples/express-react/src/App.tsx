import { useState } from 'react';
import { applyCoupon, loadResource } from './errors.ts';
import { Sentry } from './sentry.ts';

export const SAME_ERROR_COUNT = 40;

export function App() {
  const [status, setStatus] = useState('Ready');

  const throwInBrowser = () => {
    setStatus('Threw CheckoutError in the browser');
    // Uncaught on purpose: the SDK's global handler reports it, as it would in a real app.
    applyCoupon({ items: [{ price: 12 }, {}] }, 'SPRING');
  };

  const failInBackend = async () => {
    const response = await fetch('/api/inventory/SKU-1042');
    setStatus(`Backend answered ${response.status}`);
  };

  const throwSameError = () => {
    for (let i = 0; i < SAME_ERROR_COUNT; i++) {
      try {
        loadResource('/api/widgets/42');
      } catch (error) {
        Sentry.captureException(error);
      }
    }
    setStatus(`Captured the same error ${SAME_ERROR_COUNT} times`);
  };

  const slowRequest = () =>
    // A trace of its own, started by the click: browser span -> fetch (sentry-trace, baggage) -> Express spans.
    Sentry.startNewTrace(() =>
      Sentry.startSpan({ name: 'Load sales report', op: 'ui.action' }, async () => {
        setStatus('Loading the sales report…');
        const response = await fetch('/api/reports/sales');
        const report = (await response.json()) as { rows: number; tookMs: number };
        setStatus(`Sales report: ${report.rows} rows in ${report.tookMs} ms`);
      }),
    );

  return (
    <main>
      <h1>Spotlight example</h1>
      <p>
        A React page (Vite) and an Express API, both reporting to Sentry's SDKs. Everything they report shows up in Spotlight, the panel in
        the corner of this page.
      </p>
      <div className="actions">
        <button type="button" onClick={throwInBrowser}>
          Throw in the browser
        </button>
        <button type="button" onClick={failInBackend}>
          Fail in the backend
        </button>
        <button type="button" onClick={throwSameError}>
          Throw the same error {SAME_ERROR_COUNT} times
        </button>
        <button type="button" onClick={slowRequest}>
          Slow request, traced through both
        </button>
      </div>
      <output aria-label="Status">{status}</output>
      <p>
        Server-rendered pages of the API get Spotlight too: <a href="/orders/1">an order</a>, and{' '}
        <a href="/orders/7">one whose page crashes</a> (Spotlight replaces Express's error page).
      </p>
    </main>
  );
}
