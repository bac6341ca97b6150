// An Express service. GET /hop calls DOWNSTREAM_URL (when set), captures an error (named after ?tag=)
// and answers with what downstream said.
// Listens on a free port and prints it; GET /flush makes the SDK send what it holds.
import * as Sentry from '@sentry/node';
import express from 'express';

const name = process.env.SERVICE_NAME ?? 'service';
const app = express();

app.get('/hop', async (req, res) => {
  const downstream = process.env.DOWNSTREAM_URL;
  const answer = downstream ? await (await fetch(`${downstream}/hop`)).text() : `${name} done`;
  Sentry.captureException(new Error(`error in ${name}${req.query.tag ? ` (${req.query.tag})` : ''}`));
  res.send(`${name} > ${answer}`);
});

app.get('/flush', async (_req, res) => {
  await Sentry.flush(10_000);
  res.send('flushed');
});

const server = app.listen(0, '127.0.0.1', () => {
  process.stdout.write(`${JSON.stringify({ port: server.address().port })}\n`);
});
