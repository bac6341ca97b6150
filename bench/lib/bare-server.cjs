// The ceiling: a bare node:http server that reads each POSTed body and writes it, framed once as an SSE event, to
// every viewer of GET /stream. No parsing, no storage, no limits: nothing a real sidecar could do with less work.
// CommonJS, as our CLI is: Node 20 starts a CommonJS script sooner than an ES module, so this is also the floor of
// the cold start.
const { createServer } = require('node:http');

const portArg = process.argv.indexOf('--port');
const port = portArg === -1 ? 0 : Number(process.argv[portArg + 1]);

// Experiments only (not in the default run): `--store` keeps a copy of every body (up to 10,000, oldest dropped),
// `--validate` JSON.parses every line: what the least a storing, validating sidecar must also pay.
const store = process.argv.includes('--store');
const validate = process.argv.includes('--validate');
const kept = [];

const viewers = new Set();
let seq = 0;

const server = createServer((req, res) => {
  if (req.method === 'GET' && req.url.startsWith('/stream')) {
    res.writeHead(200, { 'Content-Type': 'text/event-stream', 'Cache-Control': 'no-cache', Connection: 'keep-alive' });
    res.write(':\n\n');
    viewers.add(res);
    res.on('close', () => viewers.delete(res));
    return;
  }
  if (req.method === 'POST') {
    const chunks = [];
    req.on('data', (chunk) => chunks.push(chunk));
    req.on('end', () => {
      const body = chunks.length === 1 ? chunks[0] : Buffer.concat(chunks);
      if (validate) for (const line of body.toString('utf8').split('\n')) if (line) JSON.parse(line);
      if (store) {
        kept.push(Buffer.from(body));
        if (kept.length > 10_000) kept.shift();
      }
      const id = String(++seq);
      const frame = `id: ${id}\nevent: application/x-sentry-envelope\ndata: ${body.toString('utf8').replaceAll('\n', '\ndata: ')}\n\n`;
      for (const viewer of viewers) viewer.write(frame);
      res.writeHead(200, { 'Content-Type': 'application/json' });
      res.end(`{"id":"${id}"}`);
    });
    return;
  }
  res.writeHead(404);
  res.end();
});

server.keepAliveTimeout = 65_000;
server.listen(port, '127.0.0.1', () => {
  process.stderr.write(`bare server listening on http://127.0.0.1:${server.address().port}\n`);
});
for (const signal of ['SIGINT', 'SIGTERM']) process.on(signal, () => process.exit(0));
