import type { JSONRPCMessage } from '@modelcontextprotocol/sdk/types.js';
import { command, findOrStartSidecar, parseCommandArgs, parsePort, SIDECAR_OPTIONS } from './common.ts';

const HELP = `Usage: spotlight mcp [options]

An MCP server over standard input and output for coding agents (Claude Code, Cursor, ...): it passes
every message on to the running sidecar's MCP endpoint (http://localhost:8969/mcp), or starts a sidecar
for as long as it runs. Agents that speak Streamable HTTP can use that endpoint directly.

  claude mcp add spotlight -- npx spotlight mcp
  { "mcpServers": { "spotlight": { "command": "npx", "args": ["spotlight", "mcp"] } } }

Options:
  -p, --port <port>   the sidecar on this port (started there when none answers)
      --url <url>     the sidecar at this URL
  -h, --help          show this help
`;

/** JSON-RPC's code for a server error. */
const SERVER_ERROR = -32000;

export const main = command('mcp', async (argv, env) => {
  const { values } = parseCommandArgs('mcp', argv, SIDECAR_OPTIONS, false);
  if (values.help) {
    process.stdout.write(HELP);
    return 0;
  }
  const target = await findOrStartSidecar({ url: values.url, port: parsePort(values.port), mayStart: true, env });
  const log = (line: string) => process.stderr.write(`[spotlight mcp] ${line}\n`);
  log(`${target.owned ? 'started a sidecar' : 'using the sidecar'} at ${target.url}; MCP at ${target.url}/mcp`);
  // Loaded only now: the SDK's transports are most of this command's start-up.
  const [{ StdioServerTransport }, { StreamableHTTPClientTransport }] = await Promise.all([
    import('@modelcontextprotocol/sdk/server/stdio.js'),
    import('@modelcontextprotocol/sdk/client/streamableHttp.js'),
  ]);
  const stdio = new StdioServerTransport();
  const http = new StreamableHTTPClientTransport(new URL(`${target.url}/mcp`));

  return new Promise<number>((resolve) => {
    let closed = false;
    const close = (code: number) => {
      if (closed) return;
      closed = true;
      void Promise.allSettled([stdio.close(), http.close()])
        .then(() => target.close())
        .finally(() => resolve(code));
    };
    stdio.onmessage = (message: JSONRPCMessage) => {
      http.send(message).catch((error: unknown) => {
        const reason = error instanceof Error ? error.message : String(error);
        log(`the sidecar did not take a message: ${reason}`);
        // A request must get an answer, or the agent waits for ever.
        if ('id' in message && 'method' in message) {
          void stdio.send({
            jsonrpc: '2.0',
            id: message.id,
            error: { code: SERVER_ERROR, message: `the Spotlight sidecar at ${target.url} did not answer: ${reason}` },
          });
        }
      });
    };
    http.onmessage = (message: JSONRPCMessage) => {
      void stdio.send(message);
    };
    http.onerror = (error) => log(`sidecar: ${error.message}`);
    stdio.onerror = (error) => log(`stdio: ${error.message}`);
    // The agent closes our standard input when it is done with us.
    process.stdin.once('end', () => close(0));
    stdio.onclose = () => close(0);
    process.once('SIGINT', () => close(0));
    process.once('SIGTERM', () => close(0));
    void http.start().then(() => stdio.start());
  });
});
