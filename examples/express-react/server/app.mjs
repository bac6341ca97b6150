import * as Sentry from '@sentry/node';
import express from 'express';
import { spotlightErrorPage, spotlightOverlay } from 'sentry-spotlight/express';

export class InventoryError extends Error {
  name = 'InventoryError';
}

const ORDERS = new Map([[1, { id: 1, customer: { name: 'Ada Lovelace' }, total: 42 }]]);

const sleep = (ms) => new Promise((resolve) => setTimeout(resolve, ms));

export function createApp() {
  const app = express();
  // Server-rendered pages get the Spotlight overlay without touching their templates (development only).
  app.use(spotlightOverlay());
  app.use(express.json());

  app.get('/', (_req, res) => {
    res
      .type('html')
      .send(
        '<!doctype html><html><head><title>Orders API</title></head><body><h1>Orders API</h1><p><a href="/orders/1">Order 1</a></p></body></html>',
      );
  });

  app.get('/orders/:id', (req, res) => {
    const order = ORDERS.get(Number(req.params.id));
    // A bug on purpose: a missing order crashes the template instead of answering 404.
    res
      .type('html')
      .send(
        `<!doctype html><html><head><title>Order ${order.id}</title></head><body><h1>Order ${order.id}</h1><p>${order.customer.name}: ${order.total} €</p></body></html>`,
      );
  });

  app.get('/api/inventory/:sku', async (req) => {
    await Sentry.startSpan({ name: 'inventory lookup', op: 'http.client' }, () => sleep(20));
    throw new InventoryError(`Inventory service unavailable for ${req.params.sku}`);
  });

  app.get('/api/reports/sales', async (_req, res) => {
    const started = Date.now();
    const rows = await Sentry.startSpan({ name: 'SELECT sales by day', op: 'db.query' }, async () => {
      await sleep(400);
      return 365;
    });
    await Sentry.startSpan({ name: 'render report', op: 'function' }, () => sleep(100));
    Sentry.logger.info('sales report generated', { rows });
    res.json({ rows, tookMs: Date.now() - started });
  });

  // In development: Spotlight's error page for HTML requests, a JSON error for API calls. In production
  // it only passes the error on, to Sentry's handler and the plain one below.
  app.use(spotlightErrorPage());
  Sentry.setupExpressErrorHandler(app);
  app.use((_error, _req, res, _next) => {
    res.status(500).json({ error: 'Internal Server Error' });
  });
  return app;
}
