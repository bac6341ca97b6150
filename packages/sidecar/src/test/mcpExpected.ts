import type { Client } from '@modelcontextprotocol/sdk/client/index.js';
import { expect } from 'vitest';

// What the MCP tools answer for MCP_FIXTURES: asserted over HTTP (mcp.test.ts) and stdio (commands.test.ts).

/** A trace across two services (web calls api; api throws), api's log, and one error sent twice by another app. */
export const MCP_FIXTURES = [
  'sentry-node-11.12/express-api-event.envelope',
  'sentry-node-11.12/express-api-span.envelope',
  'sentry-node-11.12/express-web-span.envelope',
  'sentry-node-11.12/express-api-log.envelope',
  'sentry-node-11.12/event.envelope',
  'sentry-node-10.78/event.envelope',
];

export async function call(
  client: Client,
  name: string,
  args: Record<string, unknown> = {},
): Promise<{ text: string; structured: unknown }> {
  const result = await client.callTool({ name, arguments: args });
  expect(result.isError ?? false).toBe(false);
  const content = result.content as { type: string; text: string }[];
  expect(content).toHaveLength(1);
  return { text: content[0]?.text ?? '', structured: result.structuredContent };
}

export const LIST_ISSUES = `# 2 issues held by Spotlight (most recently seen first)

- **Error: item 42 not found** · \`fixtures/capture/api.mjs:11\` · node · api@1.0.0 · last seen 2026-11-24T10:35:18.335Z · issue \`05bf3df78f554e\`
- **Error: probe error (url)** ×2 · \`src/probe.mjs:58\` · node · probe@1.0.0 · last seen 2026-11-24T08:47:18.782Z · issue \`1a651d98c1b5bd\`

Call get_issue with an issue id for its latest event: stack trace with source, breadcrumbs, request, tags and trace.`;

export const GET_TRACES = `## Trace 745dcfcc57a74120a3e803ba744eb5f8

**GET /dashboard** · 98 ms · 8 spans · 1 error · started 2026-11-24T10:35:18.257Z
Services: node · web@2.0.0, node · api@1.0.0

### Spans (start offset, duration)

- **GET /dashboard** · \`http.server\` · +0 ms, 98 ms · [node · web@2.0.0]
  - GET 127.0.0.1 · \`http.client\` · +21 ms, 42 ms
    - **GET /api/items** · \`http.server\` · +39 ms, 20 ms · [node · api@1.0.0]
      - /api/items · \`handler\` · +42 ms, 16 ms
        - SELECT * FROM items · \`db.query\` · +43 ms, 9 ms
  - GET 127.0.0.1 · \`http.client\` · +67 ms, 28 ms · failed (error) · [node · web@2.0.0]
    - **GET /api/fail** · \`http.server\` · +71 ms, 26 ms · failed (error) · [node · api@1.0.0]
      - /api/fail · \`handler\` · +71 ms, 15 ms · failed (error) · ⚠ error here

### Errors

- 2026-11-24T10:35:18.335Z **Error: item 42 not found** · node · api@1.0.0 · issue \`05bf3df78f554e\` · event \`07ec876f3aee4878a263586e3f4fee08\`

### Logs

- 2026-11-24T10:35:18.312Z [info] node · api@1.0.0: loaded 3 items for dashboard`;

export const GET_ISSUE = `## Error: item 42 not found

level error · node · api@1.0.0 · 2026-11-24T10:35:18.335Z · issue \`05bf3df78f554e\` seen 1× (first 2026-11-24T10:35:18.335Z, last 2026-11-24T10:35:18.335Z)
Event \`07ec876f3aee4878a263586e3f4fee08\` at \`fixtures/capture/api.mjs:11\`
Culprit: \`fixtures/capture/api.mjs\`

### Stack trace of Error: item 42 not found (most recent call first)

- at ? (fixtures/capture/api.mjs:11:9)
  \`\`\`
     8 |   res.json([1, 2, 3]);
     9 | });
    10 | app.get('/api/fail', () => {
  > 11 |   throw new Error('item 42 not found');
    12 | });
    13 | app.get('/flush', async (_req, res) => {
    14 |   await Sentry.flush(3000);
  \`\`\`
  … 9 library frames

### Request

GET http://127.0.0.1:44645/api/fail

### Breadcrumbs (last 1, oldest first)

- 10:35:17.330 [console] log PORT=44645

### Trace

- **GET /dashboard** · 98 ms · 8 spans · 1 error · node · web@2.0.0, node · api@1.0.0 · started 2026-11-24T10:35:18.257Z · trace \`745dcfcc57a74120a3e803ba744eb5f8\``;
