import { mkdirSync, mkdtempSync, rmSync, symlinkSync, writeFileSync } from 'node:fs';
import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createSourceFetcher, createSourceReader } from './symbolicateSources.ts';

let server: Server;
let origin: string;
const requests: { url: string; ifNoneMatch: string | undefined }[] = [];

beforeAll(async () => {
  server = createServer((req, res) => {
    requests.push({ url: req.url ?? '', ifNoneMatch: req.headers['if-none-match'] });
    if (req.url === '/app.js') {
      if (req.headers['if-none-match'] === 'W/"v1"') {
        res.writeHead(304).end();
        return;
      }
      res.writeHead(200, { ETag: 'W/"v1"', 'Content-Type': 'text/javascript' }).end('console.log(1);\n');
    } else if (req.url === '/big.js') {
      res.writeHead(200).end('x'.repeat(5000));
    } else if (req.url === '/streamed-big.js') {
      res.writeHead(200, { 'Transfer-Encoding': 'chunked' });
      res.write('x'.repeat(3000));
      res.end('x'.repeat(3000));
    } else if (req.url === '/slow.js') {
      setTimeout(() => res.writeHead(200).end('late'), 1000);
    } else if (req.url === '/elsewhere.js') {
      res.writeHead(302, { Location: 'http://example.com/x.js' }).end();
    } else {
      res.writeHead(404).end();
    }
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  origin = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
});

afterAll(async () => {
  server.closeAllConnections();
  await new Promise((resolve) => server.close(resolve));
});

const options = { maxBytes: 4096, timeoutMs: 300, maxEntries: 4, maxOrigins: 2, maxCachedBytes: 1 << 20, freshMs: 60_000 };

describe('createSourceFetcher', () => {
  it("fetches only the page's own origin", async () => {
    const fetchSource = createSourceFetcher(options);
    requests.length = 0;
    expect(await fetchSource(`${origin}/app.js`, 'http://localhost:5173')).toBeUndefined();
    expect(await fetchSource('file:///etc/passwd', origin)).toBeUndefined();
    expect(requests).toEqual([]);
    expect(await fetchSource(`${origin}/app.js`, origin)).toEqual({ url: `${origin}/app.js`, text: 'console.log(1);\n' });
  });

  it('follows no redirect, and gives up on a response too large (announced or streamed), too slow or failed', async () => {
    const fetchSource = createSourceFetcher(options);
    for (const path of ['/elsewhere.js', '/big.js', '/streamed-big.js', '/slow.js', '/missing.js']) {
      expect(await fetchSource(`${origin}${path}`, origin), path).toBeUndefined();
    }
  });

  it('fetches a file once for a burst, and asks again (ETag) once it is no longer fresh', async () => {
    let clock = 0;
    const fetchSource = createSourceFetcher({ ...options, freshMs: 1000, now: () => clock });
    requests.length = 0;
    const burst = await Promise.all(Array.from({ length: 20 }, () => fetchSource(`${origin}/app.js`, origin)));
    expect(new Set(burst).size).toBe(1);
    expect(requests).toHaveLength(1);
    clock = 2000;
    const again = await fetchSource(`${origin}/app.js`, origin);
    // Unchanged (304): the same object, so what was derived from it (a parsed map) is reused.
    expect(again).toBe(burst[0]);
    expect(requests.map((r) => r.ifNoneMatch)).toEqual([undefined, 'W/"v1"']);
  });

  it('keeps at most maxEntries files per origin', async () => {
    const fetchSource = createSourceFetcher({ ...options, maxEntries: 1 });
    requests.length = 0;
    await fetchSource(`${origin}/app.js`, origin);
    await fetchSource(`${origin}/app.js?x=1`, origin);
    await fetchSource(`${origin}/app.js`, origin);
    expect(requests.map((r) => r.url)).toEqual(['/app.js', '/app.js?x=1', '/app.js']);
  });
});

describe('createSourceReader', () => {
  const dir = mkdtempSync(join(tmpdir(), 'spotlight-sources-'));
  const root = join(dir, 'app');
  mkdirSync(join(root, 'src'), { recursive: true });
  writeFileSync(join(root, 'src/server.ts'), 'export {};\n');
  writeFileSync(join(root, 'src/huge.ts'), 'x'.repeat(5000));
  writeFileSync(join(dir, 'secret.txt'), 'secret\n');
  symlinkSync(join(dir, 'secret.txt'), join(root, 'src/link.txt'));
  afterAll(() => rmSync(dir, { recursive: true, force: true }));

  it('reads files under the roots only, symbolic links resolved first, and none too large', async () => {
    const read = createSourceReader({ roots: [root], maxBytes: 4096 });
    expect(await read(join(root, 'src/server.ts'))).toEqual({ url: join(root, 'src/server.ts'), text: 'export {};\n' });
    expect(await read(join(dir, 'secret.txt'))).toBeUndefined();
    expect(await read(join(root, 'src/../../secret.txt'))).toBeUndefined();
    expect(await read(join(root, 'src/link.txt'))).toBeUndefined();
    expect(await read(join(root, 'src/huge.ts'))).toBeUndefined();
    expect(await read(join(root, 'src'))).toBeUndefined();
    expect(await read('src/server.ts')).toBeUndefined();
  });
});
