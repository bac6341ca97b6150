import { Client } from '@modelcontextprotocol/sdk/client/index.js';
import { StreamableHTTPClientTransport } from '@modelcontextprotocol/sdk/client/streamableHttp.js';
import { afterEach, describe, expect, it } from 'vitest';
import { call, GET_ISSUE, GET_TRACES, LIST_ISSUES, MCP_FIXTURES } from '../test/mcpExpected.ts';
import { fixture } from '../test/payloads.ts';
import { rawRequest } from '../test/rawRequest.ts';
import { sidecarStarter, type TestSidecar } from '../test/server.ts';

const start = sidecarStarter();
const clients: Client[] = [];
afterEach(async () => {
  await Promise.all(clients.splice(0).map((client) => client.close()));
});

async function loaded(): Promise<TestSidecar> {
  const sidecar = await start();
  for (const name of MCP_FIXTURES) expect((await sidecar.post('/stream', fixture(name))).status).toBe(200);
  return sidecar;
}

async function connect(url: string): Promise<Client> {
  const client = new Client({ name: 'spotlight-test', version: '1.0.0' });
  await client.connect(new StreamableHTTPClientTransport(new URL(`${url}/mcp`)));
  clients.push(client);
  return client;
}

describe('MCP over Streamable HTTP at /mcp', () => {
  it('lists the published Spotlight four tools with their parameters, and ours', async () => {
    const sidecar = await loaded();
    const client = await connect(sidecar.url);
    const { tools } = await client.listTools();
    expect(tools.map((tool) => tool.name)).toEqual([
      'search_errors',
      'search_logs',
      'search_traces',
      'get_traces',
      'list_issues',
      'get_issue',
      'get_event',
      'wait_for_error',
      'find_n_plus_one_queries',
      'clear',
    ]);
    const byName = new Map(tools.map((tool) => [tool.name, tool]));
    for (const name of ['search_errors', 'search_logs', 'search_traces']) {
      const properties = byName.get(name)?.inputSchema.properties as Record<string, { anyOf: { required: string[] }[] }> | undefined;
      expect(properties?.filters?.anyOf.map((option) => option.required)).toEqual([['timeWindow'], ['filename'], ['limit']]);
    }
    expect(byName.get('get_traces')?.inputSchema.required).toEqual(['traceId']);
  });

  it('answers list_issues, get_issue, search_traces, get_traces and search_logs with exact Markdown and structured content', async () => {
    const sidecar = await loaded();
    const client = await connect(sidecar.url);
    const issues = await call(client, 'list_issues');
    expect(issues.text).toBe(LIST_ISSUES);
    expect(issues.structured).toMatchObject({
      issues: [
        { issueId: '05bf3df78f554e', count: 1 },
        { issueId: '1a651d98c1b5bd', count: 2 },
      ],
    });
    const issue = await call(client, 'get_issue', { issueId: '05bf3df78f554e' });
    expect(issue.text).toBe(GET_ISSUE);
    expect(issue.structured).toMatchObject({
      issue: {
        latestEvent: {
          eventId: '07ec876f3aee4878a263586e3f4fee08',
          request: { method: 'GET' },
          trace: { traceId: '745dcfcc57a74120a3e803ba744eb5f8' },
        },
      },
    });
    expect((await call(client, 'search_traces')).text).toBe(`# 1 trace held by Spotlight (newest first)

- **GET /dashboard** · 98 ms · 8 spans · 1 error · node · web@2.0.0, node · api@1.0.0 · started 2026-11-24T10:35:18.257Z · trace \`745dcfcc57a74120a3e803ba744eb5f8\`

Call get_traces with a trace id (or its first 8 characters) for its span tree, errors and logs.`);
    expect((await call(client, 'get_traces', { traceId: '745dcfcc' })).text).toBe(GET_TRACES);
    expect((await call(client, 'search_logs', { filters: { limit: 5 } })).text).toBe(`# 1 log line held by Spotlight (oldest first)

- 2026-11-24T10:35:18.312Z [info] node · api@1.0.0: loaded 3 items for dashboard`);
    const errors = await call(client, 'search_errors', { filters: { filename: 'api.mjs' } });
    expect(errors.text).toBe(
      `# 1 issue (1 error event) involving \`api.mjs\`\n\nEach issue groups events that look alike; its latest event follows in full.\n\n${GET_ISSUE}`,
    );
    const event = await call(client, 'get_event', { eventId: 'c338dc2e' });
    expect(event.text.split('\n').slice(0, 4)).toEqual([
      '## Error: probe error (url)',
      '',
      'level error · node · probe@1.0.0 · 2026-11-24T08:47:09.820Z · issue `1a651d98c1b5bd` seen 2× (first 2026-11-24T08:47:09.820Z, last 2026-11-24T08:47:18.782Z)',
      'Event `c338dc2e74ec4fa8b7fa2c44d7ed9f2d` at `src/probe.mjs:58`',
    ]);
  });

  it('waits for the next error with wait_for_error, and clear empties the sidecar', async () => {
    const sidecar = await loaded();
    const client = await connect(sidecar.url);
    const nothing = await call(client, 'wait_for_error', { timeoutSeconds: 0.2 });
    expect(nothing.text).toBe('No new error within 0.2 s. Spotlight holds 6 envelopes.');
    const waiting = call(client, 'wait_for_error', { timeoutSeconds: 20, newIssuesOnly: true });
    await new Promise((resolve) => setTimeout(resolve, 300));
    await sidecar.post('/stream', fixture('sentry-node-10.78/event.envelope')); // a known issue: not what it waits for
    await sidecar.post('/stream', fixture('sentry-browser-11.12/pageload-event.envelope'));
    const arrived = await waiting;
    expect(arrived.text.split('\n').slice(0, 3)).toEqual([
      'A new issue arrived.',
      '',
      "## SyntaxError: Expected property name or '}' in JSON at position 1 (line 1 column 2)",
    ]);
    expect(arrived.structured).toMatchObject({ newIssue: true, event: { level: 'error' } });
    expect((await call(client, 'clear')).text).toBe('Cleared 8 envelopes from Spotlight.');
    expect(sidecar.store.size).toBe(0);
    expect((await call(client, 'list_issues')).text).toBe('No issues held by Spotlight. Spotlight holds 0 envelopes.');
  });

  it('finds N+1 query loops with find_n_plus_one_queries', async () => {
    const sidecar = await start();
    const client = await connect(sidecar.url);
    expect((await call(client, 'find_n_plus_one_queries')).text).toBe(
      'No N+1 query loops in the traces held by Spotlight. Spotlight holds 0 envelopes. Queries show up as spans when the SDK instruments the database client and tracing is on.',
    );
    await sidecar.post('/stream', fixture('sentry-node-11.1/insights-orders-span.envelope'));
    const found = await call(client, 'find_n_plus_one_queries');
    expect(found.text).toBe(`# 1 N+1 query loop held by Spotlight (costliest first)

- \`select * from 'customers' where 'id' = ? limit ?\` ran 8× (9 ms in all) under \`GET\` · node · shop-api@1.4.0 · in **GET** · trace \`d058814af1be49438bb342fd3e85a8a5\`

Each statement runs once per item of a loop: load the items in one query (\`WHERE id IN (...)\`) or with a join. Call get_traces with the trace id for the spans.`);
    expect(found.structured).toMatchObject({ loops: [{ count: 8, traceId: 'd058814af1be49438bb342fd3e85a8a5' }] });
  });

  it('refuses a foreign Origin and a foreign Host with 403, like every route', async () => {
    const sidecar = await start();
    const initialize = JSON.stringify({
      jsonrpc: '2.0',
      id: 1,
      method: 'initialize',
      params: { protocolVersion: '2025-06-18', capabilities: {}, clientInfo: { name: 'x', version: '1' } },
    });
    const headers = { 'Content-Type': 'application/json', Accept: 'application/json, text/event-stream' };
    const foreignOrigin = await sidecar.post('/mcp', initialize, { ...headers, Origin: 'http://evil.example' });
    expect(foreignOrigin.status).toBe(403);
    expect(foreignOrigin.text).toMatch(/^Origin "http:\/\/evil\.example" is not allowed/);
    const foreignHost = await rawRequest(sidecar.port, 'POST', '/mcp', initialize, { ...headers, Host: 'evil.example' });
    expect(foreignHost.status).toBe(403);
    expect(foreignHost.text).toMatch(/^Host "evil\.example" is not allowed/);
    const local = await sidecar.post('/mcp', initialize, { ...headers, Origin: 'http://localhost:5173' });
    expect(local.status).toBe(200);
    expect(JSON.parse(local.text)).toMatchObject({ id: 1, result: { serverInfo: { name: 'spotlight' } } });
    const get = await sidecar.get('/mcp');
    expect(get.status).toBe(405);
  });
});
