import { McpServer } from '@modelcontextprotocol/sdk/server/mcp.js';
import type { CallToolResult } from '@modelcontextprotocol/sdk/types.js';
import { z } from 'zod';
import { VERSION } from '../version.ts';
import { createTools, DEFAULT_WAIT_SECONDS, MAX_WAIT_SECONDS, type SearchFilters, type ToolData, type ToolResult } from './tools.ts';

/**
 * The MCP server: the published Spotlight's four tools (same names and parameters, so the prompts that
 * use them work) and ours. Every result is concise Markdown for the model plus the same facts as
 * structured content for programs.
 */

// The published Spotlight's `filters`: a time window, a file name, or a page.
const filters = z
  .union([
    z.object({
      timeWindow: z.number().describe('How far back to look, in seconds (60 is the last minute, 3600 the last hour).'),
    }),
    z.object({
      filename: z
        .string()
        .describe(
          "Only what involves this file: part of a stack frame's path or of a log's or span's code location, case-sensitive (Cart.tsx, api/routes.ts).",
        ),
    }),
    z.object({
      limit: z.number().describe('How many results at most.'),
      offset: z.number().default(0).describe('How many results to skip first (0 by default).'),
    }),
  ])
  .optional()
  .describe('One of: a time window, a file name, or a page (limit/offset). Omit for everything Spotlight holds.');

const FILTER_EXAMPLES = (tool: string) => `**Example calls:**
- ${tool}({ filters: { timeWindow: 60 } }): the last minute
- ${tool}({ filters: { filename: "auth.tsx" } }): involving a file
- ${tool}({ filters: { limit: 10, offset: 0 } }): a page`;

const DESCRIPTIONS = {
  search_errors: `Search the runtime errors, exceptions and crashes Spotlight captured from every part of the app (browser and servers) during local development.

Call it when the user says something is broken, failing, crashing, or shows an error; after running or testing code; before and after a change, to check for regressions.

Returns the errors grouped into issues (events that look alike), each with its latest event in full: exception, stack trace with the app's source lines, request, tags, breadcrumbs and the trace it belongs to.

${FILTER_EXAMPLES('search_errors')}`,
  search_logs: `Search the application's logs (Sentry logs, and the output of commands run with \`spotlight run\`) to understand what the app did: flow, timing, values.

Not for exceptions: use search_errors. Returns timestamped lines with level and service, oldest first.

${FILTER_EXAMPLES('search_logs')}`,
  search_traces: `List the performance traces Spotlight holds (requests and page loads across services): name, duration, span count, errors, services.

Call it for slow requests, request flows across services, or to find the trace of an error. Then call get_traces with a trace id for the span tree.

${FILTER_EXAMPLES('search_traces')}`,
  get_traces: `Get one trace in full: its span tree with each span's start offset and duration, the services involved, and the errors and logs of the trace.

**Example calls:**
- get_traces({ traceId: "71a8c5e4" }): the first 8 characters, as search_traces shows them
- get_traces({ traceId: "71a8c5e41ae1044dee67f50a07538fe7" })`,
  list_issues: `List the issues (errors grouped by what they have in common: exception type and the app's frames, or message) with title, culprit, count, first and last seen, and the services that reported them. Most recently seen first.`,
  get_issue: `Get one issue in full: its latest event with the stack trace and the app's source lines around each frame, the breadcrumbs that led to it, the request, tags, and a summary of its trace. Takes an issue id from list_issues or search_errors (or its first characters).`,
  get_event: `Get one error event in full (stack trace with source lines, breadcrumbs, request, tags, trace summary) by its event id, e.g. the id an SDK returned from captureException.`,
  wait_for_error: `Wait for the next error: blocks until a new error event (or, with newIssuesOnly, a new issue) arrives, or the timeout passes, then returns it in full. Use it for "run the tests / reload the page, then tell me what broke": call it, then trigger the action.`,
  find_n_plus_one_queries: `Find N+1 query loops: the same database statement run once per item of a loop under one span (a request, a job), which a single query or a join would replace. Returns each statement, how often it ran and how long it took in all, where (the parent span and the trace), costliest first.`,
  clear: `Forget every event Spotlight holds (for every viewer: the overlay empties too). Use it before reproducing a problem so that only what follows is seen.`,
} as const;

function toCallResult(result: ToolResult): CallToolResult {
  return { content: [{ type: 'text', text: result.text }], structuredContent: result.structured };
}

export function createMcpServer(data: ToolData): McpServer {
  const tools = createTools(data);
  const server = new McpServer({ name: 'spotlight', title: 'Spotlight', version: VERSION }, { capabilities: { tools: {} } });
  const readOnly = { readOnlyHint: true, openWorldHint: false } as const;

  server.registerTool(
    'search_errors',
    { title: 'Search errors', description: DESCRIPTIONS.search_errors, inputSchema: { filters }, annotations: readOnly },
    async ({ filters }) => toCallResult(tools.searchErrors(filters as SearchFilters)),
  );
  server.registerTool(
    'search_logs',
    { title: 'Search logs', description: DESCRIPTIONS.search_logs, inputSchema: { filters }, annotations: readOnly },
    async ({ filters }) => toCallResult(tools.searchLogs(filters as SearchFilters)),
  );
  server.registerTool(
    'search_traces',
    { title: 'Search traces', description: DESCRIPTIONS.search_traces, inputSchema: { filters }, annotations: readOnly },
    async ({ filters }) => toCallResult(tools.searchTraces(filters as SearchFilters)),
  );
  server.registerTool(
    'get_traces',
    {
      title: 'Get a trace',
      description: DESCRIPTIONS.get_traces,
      inputSchema: {
        traceId: z
          .string()
          .describe("Trace ID to retrieve. Format: 8 or 32 hex characters. Examples: '71a8c5e4' or '71a8c5e41ae1044dee67f50a07538fe7'"),
      },
      annotations: readOnly,
    },
    async ({ traceId }) => toCallResult(tools.getTraces(traceId)),
  );
  server.registerTool(
    'list_issues',
    {
      title: 'List issues',
      description: DESCRIPTIONS.list_issues,
      inputSchema: {
        limit: z.number().int().positive().optional().describe('Most issues to list. Default: 25'),
        timeWindow: z.number().positive().optional().describe('Only events received in the last this many seconds.'),
      },
      annotations: readOnly,
    },
    async (args) => toCallResult(tools.listIssues(args)),
  );
  server.registerTool(
    'get_issue',
    {
      title: 'Get an issue',
      description: DESCRIPTIONS.get_issue,
      inputSchema: { issueId: z.string().describe('Issue id from list_issues or search_errors, e.g. "0f3a9c2b7d1e44".') },
      annotations: readOnly,
    },
    async ({ issueId }) => toCallResult(tools.getIssue(issueId)),
  );
  server.registerTool(
    'get_event',
    {
      title: 'Get an error event',
      description: DESCRIPTIONS.get_event,
      inputSchema: { eventId: z.string().describe('Event id (32 hex characters, dashes allowed), or its first 8 or more characters.') },
      annotations: readOnly,
    },
    async ({ eventId }) => toCallResult(tools.getEvent(eventId)),
  );
  server.registerTool(
    'wait_for_error',
    {
      title: 'Wait for the next error',
      description: DESCRIPTIONS.wait_for_error,
      inputSchema: {
        timeoutSeconds: z
          .number()
          .min(0)
          .max(MAX_WAIT_SECONDS)
          .optional()
          .describe(`Seconds to wait at most. Default: ${DEFAULT_WAIT_SECONDS} (MCP clients often give up on a call after 60).`),
        newIssuesOnly: z
          .boolean()
          .optional()
          .describe('Only return for an issue not seen before (ignore repeats of known ones). Default: false'),
      },
      annotations: readOnly,
    },
    async (args, extra) => toCallResult(await tools.waitForError(args, extra.signal)),
  );
  server.registerTool(
    'find_n_plus_one_queries',
    {
      title: 'Find N+1 queries',
      description: DESCRIPTIONS.find_n_plus_one_queries,
      inputSchema: { timeWindow: z.number().positive().optional().describe('Only traces received in the last this many seconds.') },
      annotations: readOnly,
    },
    async (args) => toCallResult(tools.findNPlusOneQueries(args)),
  );
  server.registerTool(
    'clear',
    { title: 'Clear', description: DESCRIPTIONS.clear, annotations: { destructiveHint: true, idempotentHint: true, openWorldHint: false } },
    async () => toCallResult(tools.clear()),
  );
  return server;
}
