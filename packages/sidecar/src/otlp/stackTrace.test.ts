import { describe, expect, it } from 'vitest';
import { parseStackTrace } from './stackTrace.ts';

// Stack texts as the runtimes print them (what OpenTelemetry SDKs put in `exception.stacktrace`):
// Node's from a real Error below; Python's and Java's captured from python3 3.11 and OpenJDK 17
// running the programs in the comments; Go's is runtime/debug.Stack() as the Go SDK's RecordError
// records it.

/*
  def load(key): return {"a": 1}[key]
  def handler():
      try: load("missing")
      except KeyError as e: raise ValueError("order 42 not found") from e
  handler()  # under try/except, printed with traceback.format_exc()
*/
const PYTHON = `Traceback (most recent call last):
  File "/tmp/stk/app.py", line 6, in handler
    load("missing")
  File "/tmp/stk/app.py", line 3, in load
    return {"a": 1}[key]
           ~~~~~~~~^^^^^
KeyError: 'missing'

The above exception was the direct cause of the following exception:

Traceback (most recent call last):
  File "/tmp/stk/app.py", line 10, in <module>
    handler()
  File "/tmp/stk/app.py", line 8, in handler
    raise ValueError("order 42 not found") from e
ValueError: order 42 not found
`;

/*
  static String read(String path) throws IOException { throw new FileNotFoundException(path + " (No such file or directory)"); }
  static void handle() { try { read("/etc/orders.json"); } catch (IOException e) { throw new IllegalStateException("cannot load orders", e); } }
  List.of(1).forEach(x -> handle());  // in main, printed with printStackTrace(PrintWriter)
*/
const JAVA = `java.lang.IllegalStateException: cannot load orders
\tat com.example.App.handle(App.java:6)
\tat com.example.App.lambda$main$0(App.java:8)
\tat java.base/java.lang.Iterable.forEach(Iterable.java:75)
\tat com.example.App.main(App.java:8)
Caused by: java.io.FileNotFoundException: /etc/orders.json (No such file or directory)
\tat com.example.App.read(App.java:5)
\t... 4 more
`;

const GO = `goroutine 1 [running]:
runtime/debug.Stack()
\t/usr/local/go/src/runtime/debug/stack.go:26 +0x5e
go.opentelemetry.io/otel/sdk/trace.recordStackTrace()
\t/root/go/pkg/mod/go.opentelemetry.io/otel/sdk@v1.34.0/trace/span.go:519 +0x1e
go.opentelemetry.io/otel/sdk/trace.(*recordingSpan).RecordError(0xc0001c6000, {0x7a4e40, 0xc000012345}, {0xc00009e0a0, 0x1, 0x1})
\t/root/go/pkg/mod/go.opentelemetry.io/otel/sdk@v1.34.0/trace/span.go:505 +0x2f8
example.com/shop/orders.(*Store).Load(0xc000010000, {0x7a5f00, 0xc0000a2000}, 0x2a)
\t/home/dev/shop/orders/store.go:31 +0x1b4
main.main()
\t/home/dev/shop/main.go:18 +0x85
`;

function nodeStack(): string {
  function innermost(): Error {
    return new RangeError('index 7 out of range');
  }
  function caller(): Error {
    return innermost();
  }
  return caller().stack ?? '';
}

describe('parseStackTrace', () => {
  it("reads Node's own stack: oldest call first, functions, absolute paths, lines and columns, Node's internals not in app", () => {
    const [exception, ...rest] = parseStackTrace(nodeStack(), 'nodejs');
    expect(rest).toEqual([]);
    expect(exception).toMatchObject({ type: 'RangeError', value: 'index 7 out of range' });
    const frames = exception?.frames ?? [];
    expect(frames.slice(-3).map((f) => f.function)).toEqual(['nodeStack', 'caller', 'innermost']);
    expect(frames.at(-1)).toMatchObject({ filename: expect.stringMatching(/\/stackTrace\.test\.ts$/), in_app: true });
    expect(frames.at(-1)?.lineno).toBeGreaterThan(0);
    expect(frames.at(-1)?.colno).toBeGreaterThan(0);
    expect(frames.filter((f) => f.filename?.includes('/node_modules/')).every((f) => !f.in_app)).toBe(true);
  });

  it('reads V8 frames without a function, async frames, file URLs, and Firefox stacks', () => {
    const v8 = `Error: boom
    at file:///home/dev/app/server.mjs:12:9
    at async Promise.all (index 0)
    at async handle (/home/dev/app/node_modules/router/index.js:40:3)
    at node:internal/process/task_queues:95:5`;
    const [exception] = parseStackTrace(v8);
    expect(exception?.frames).toEqual([
      { filename: 'node:internal/process/task_queues', abs_path: 'node:internal/process/task_queues', lineno: 95, colno: 5, in_app: false },
      {
        function: 'handle',
        filename: '/home/dev/app/node_modules/router/index.js',
        abs_path: '/home/dev/app/node_modules/router/index.js',
        lineno: 40,
        colno: 3,
        in_app: false,
      },
      { function: 'Promise.all', filename: 'index 0', in_app: false },
      { filename: '/home/dev/app/server.mjs', abs_path: '/home/dev/app/server.mjs', lineno: 12, colno: 9, in_app: true },
    ]);
    const gecko = parseStackTrace('render@http://localhost:5173/src/App.tsx:14:11\n@http://localhost:5173/src/main.tsx:3:1\n', 'webjs');
    expect(gecko[0]?.frames.map((f) => [f.function, f.lineno])).toEqual([
      [undefined, 3],
      ['render', 14],
    ]);
  });

  it("reads Python's chained tracebacks: the cause first, each outermost call first, with source lines", () => {
    const chain = parseStackTrace(PYTHON, 'python');
    expect(chain.map((e) => [e.type, e.value])).toEqual([
      ['KeyError', "'missing'"],
      ['ValueError', 'order 42 not found'],
    ]);
    expect(chain[0]?.frames).toEqual([
      {
        filename: '/tmp/stk/app.py',
        abs_path: '/tmp/stk/app.py',
        lineno: 6,
        function: 'handler',
        module: 'app',
        context_line: 'load("missing")',
        in_app: true,
      },
      {
        filename: '/tmp/stk/app.py',
        abs_path: '/tmp/stk/app.py',
        lineno: 3,
        function: 'load',
        module: 'app',
        context_line: 'return {"a": 1}[key]',
        in_app: true,
      },
    ]);
    expect(chain[1]?.frames.map((f) => [f.function, f.lineno, f.context_line])).toEqual([
      ['<module>', 10, 'handler()'],
      ['handler', 8, 'raise ValueError("order 42 not found") from e'],
    ]);
    const library = parseStackTrace(
      'Traceback (most recent call last):\n  File "/usr/lib/python3/dist-packages/requests/api.py", line 59, in get\nOSError: x',
    );
    expect(library[0]?.frames[0]?.in_app).toBe(false);
  });

  it("reads Java's causes, oldest first, taking back the frames `... n more` elides", () => {
    const chain = parseStackTrace(JAVA, 'java');
    expect(chain.map((e) => [e.type, e.value])).toEqual([
      ['java.io.FileNotFoundException', '/etc/orders.json (No such file or directory)'],
      ['java.lang.IllegalStateException', 'cannot load orders'],
    ]);
    expect(chain[1]?.frames).toEqual([
      { module: 'com.example.App', function: 'main', filename: 'App.java', lineno: 8, in_app: true },
      { module: 'java.lang.Iterable', function: 'forEach', filename: 'Iterable.java', lineno: 75, in_app: false },
      { module: 'com.example.App', function: 'lambda$main$0', filename: 'App.java', lineno: 8, in_app: true },
      { module: 'com.example.App', function: 'handle', filename: 'App.java', lineno: 6, in_app: true },
    ]);
    expect(chain[0]?.frames.map((f) => f.function)).toEqual(['main', 'forEach', 'lambda$main$0', 'handle', 'read']);
  });

  it("reads Go's goroutine stack: packages as modules, receivers kept, arguments dropped, the standard library and modules not in app", () => {
    const [exception] = parseStackTrace(GO, 'go');
    expect(exception?.frames.map((f) => [f.module, f.function, f.lineno, f.in_app])).toEqual([
      ['main', 'main', 18, true],
      ['example.com/shop/orders', '(*Store).Load', 31, true],
      ['go.opentelemetry.io/otel/sdk/trace', '(*recordingSpan).RecordError', 505, false],
      ['go.opentelemetry.io/otel/sdk/trace', 'recordStackTrace', 519, false],
      ['runtime/debug', 'Stack', 26, false],
    ]);
    expect(exception?.frames[0]?.abs_path).toBe('/home/dev/shop/main.go');
    const panic = parseStackTrace(`panic: runtime error: index out of range [5] with length 3\n\n${GO}`);
    expect(panic[0]?.value).toBe('runtime error: index out of range [5] with length 3');
  });

  it('recognizes the language without a hint, and gives nothing for text that is no stack', () => {
    expect(parseStackTrace(JAVA)[0]?.type).toBe('java.io.FileNotFoundException');
    expect(parseStackTrace(PYTHON)[1]?.type).toBe('ValueError');
    expect(parseStackTrace(GO)[0]?.frames).toHaveLength(5);
    // A wrong hint does not stop the right parser.
    expect(parseStackTrace(PYTHON, 'nodejs')).toHaveLength(2);
    expect(parseStackTrace('just a message, no frames')).toEqual([]);
    expect(parseStackTrace('')).toEqual([]);
  });

  it('takes linear time on crafted lines (untrusted text)', () => {
    // Each of these would make a lazy `(.*?)@(.*?):(\\d+)` or `(.*?) \\((.*)\\)` backtrack for hours.
    const lines = [
      `    at ${'a ('.repeat(200_000)}`,
      `${'@x:'.repeat(200_000)}1:2 x`,
      `  File "${'", line 1'.repeat(100_000)}x`,
      `\t${'x:1 +0x1'.repeat(100_000)}y`,
      `\tat ${'a/'.repeat(200_000)}!`,
    ];
    for (const line of lines) expect(parseStackTrace(`Error: x\n${line}\n${line}`)).toEqual(expect.any(Array));
  });

  it('keeps the 100 frames nearest the throw of a runaway recursion', () => {
    const lines = Array.from({ length: 5000 }, (_, i) => `    at recurse${i} (/app/loop.js:${i + 1}:1)`);
    const [exception] = parseStackTrace(`RangeError: Maximum call stack size exceeded\n${lines.join('\n')}`);
    expect(exception?.frames).toHaveLength(100);
    expect(exception?.frames.at(-1)?.function).toBe('recurse0');
  });
});
