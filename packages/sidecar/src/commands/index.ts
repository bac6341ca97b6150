import type { CommandMain } from './common.ts';

/**
 * `spotlight <command>`: each is loaded only when named, so the sidecar's own start (`spotlight` with
 * options only) loads none of them, nor what they need (the MCP SDK, the tail formatters).
 */
export const COMMANDS: Readonly<Record<string, () => Promise<{ main: CommandMain }>>> = {
  run: () => import('./run.ts'),
  tail: () => import('./tail.ts'),
  mcp: () => import('./mcp.ts'),
  export: () => import('./export.ts'),
  import: () => import('./import.ts'),
};

export const COMMANDS_HELP = `
Commands (spotlight <command> --help for each):
  run [--] <command...>                  run your app with Spotlight wired in (env, logs from its output)
  tail [errors|logs|traces|all...]       print events as they arrive (--format human|logfmt|json|md)
  mcp                                    an MCP server over stdio for coding agents (also at /mcp)
  export [-o <file>]                     save what the sidecar holds to a file of envelopes
  import <file...>                       load such files (or .envelope files) into the sidecar
`;
