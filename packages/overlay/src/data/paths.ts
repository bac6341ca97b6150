// File paths in stack frames, shown the way a developer thinks of them: `~/src/routes/x.ts` for the
// app's own files (relative to the app root), `node_modules/pkg/...` for packages, `node:fs` as is.

/** A stack frame as far as paths go (Sentry's `StackFrame` fields, all optional). */
export interface PathFrame {
  readonly filename?: string | undefined;
  readonly abs_path?: string | undefined;
  readonly module?: string | undefined;
  readonly in_app?: boolean | undefined;
}

const URL_PATTERN = /^[a-z][a-z0-9+.-]*:\/\//i;
const WINDOWS_DRIVE = /^[a-z]:[\\/]/i;

/** Directory names that hold an app's sources inside its root (`<root>/src/...`). */
const SOURCE_DIRS: ReadonlySet<string> = new Set([
  'src',
  'lib',
  'source',
  'sources',
  'dist',
  'build',
  'out',
  '.next',
  '.output',
  '.svelte-kit',
]);

/** Directory names under a home folder that hold projects (`~/src/<project>`, `~/code/<project>`). */
const WORKSPACE_DIRS: ReadonlySet<string> = new Set([
  'src',
  'code',
  'dev',
  'git',
  'github',
  'repos',
  'repositories',
  'projects',
  'work',
  'workspace',
  'workspaces',
  'developer',
  'documents',
  'sites',
]);

/** The frame's path: the absolute one when the SDK sent both. */
export function framePath(frame: PathFrame): string | undefined {
  const path = frame.abs_path || frame.filename;
  return typeof path === 'string' && path.length > 0 ? path : undefined;
}

/** `file://` URLs and Windows paths become plain forward-slash paths; other URLs lose query and hash. */
export function normalizePath(path: string): string {
  let out = path;
  if (out.startsWith('file://')) {
    out = out.slice('file://'.length);
    try {
      out = decodeURIComponent(out);
    } catch {
      // Keep it as it came.
    }
    if (/^\/[a-z]:\//i.test(out)) out = out.slice(1);
  }
  if (WINDOWS_DRIVE.test(out) || out.includes('\\')) out = out.replace(/\\/g, '/');
  if (URL_PATTERN.test(out)) out = out.replace(/[?#].*$/, '');
  return out;
}

function isAbsolute(path: string): boolean {
  return path.startsWith('/') || WINDOWS_DRIVE.test(path);
}

function isUrl(path: string): boolean {
  return URL_PATTERN.test(path);
}

/** Whether the path is inside a package rather than the app (node_modules, Node's own modules). */
export function isLibraryPath(path: string): boolean {
  return path.includes('/node_modules/') || path.startsWith('node:') || path.startsWith('internal/');
}

/** Whether a frame is the app's own code: the SDK's `in_app` flag when it set one, else judged by path. */
export function isInAppFrame(frame: PathFrame): boolean {
  if (typeof frame.in_app === 'boolean') return frame.in_app;
  const path = framePath(frame);
  if (path === undefined) return false;
  const normalized = normalizePath(path);
  if (isLibraryPath(normalized) || normalized.startsWith('<') || normalized === '[native code]') return false;
  return isAbsolute(normalized) || isUrl(normalized) || normalized.includes('/');
}

function segmentsOf(path: string): string[] {
  return path.split('/').filter((s) => s.length > 0);
}

function joinSegments(segments: readonly string[], windows: boolean): string {
  return windows ? segments.join('/') : `/${segments.join('/')}`;
}

/**
 * How many leading segments belong to the machine rather than to a project: `/home/<user>`,
 * `/Users/<user>`, `C:/Users/<user>`, `/root`, `/usr/src`, `/var/www`, `/opt`, `/srv`; plus a
 * workspace folder right under a home (`~/src`, `~/code`, ...).
 */
function systemDepth(segments: readonly string[]): number {
  const lower = segments.map((s) => s.toLowerCase());
  let depth = 0;
  let home = false;
  const drive = lower[0] !== undefined && /^[a-z]:$/.test(lower[0]) ? 1 : 0;
  const first = lower[drive];
  const second = lower[drive + 1];
  if ((first === 'home' || first === 'users') && segments.length > drive + 1) {
    depth = drive + 2;
    home = true;
  } else if (first === 'root') {
    depth = drive + 1;
    home = true;
  } else if (first === 'usr' && (second === 'src' || second === 'local')) {
    depth = drive + 2;
    if (second === 'local' && lower[drive + 2] === 'src') depth += 1;
  } else if (first === 'var' && second === 'www') {
    depth = drive + 2;
  } else if (first === 'opt' || first === 'srv' || first === 'mnt' || first === 'tmp') {
    depth = drive + 1;
  } else {
    depth = drive;
  }
  if (home && lower[depth] !== undefined && WORKSPACE_DIRS.has(lower[depth] ?? '')) depth += 1;
  return depth;
}

function commonPrefix(paths: readonly string[][]): string[] {
  const first = paths[0];
  if (!first) return [];
  let length = first.length;
  for (const other of paths) {
    let i = 0;
    while (i < length && i < other.length && other[i] === first[i]) i++;
    length = i;
  }
  return first.slice(0, length);
}

/**
 * Guesses the app's root directory from the absolute paths of an event's frames:
 * 1. the common directory of the in-app files, cut before its source folder (`<root>/src/...`);
 * 2. else where `node_modules` lives, when the in-app files are under it;
 * 3. else the folder the app was started from, when the frames' `module` names tell it (see `moduleBaseDir`);
 * 4. else the project folder under a home or system folder (`/home/<user>/<project>`, `/app`).
 * Returns undefined when the files share no project folder: paths are then shown in full.
 */
export function appRootFromPaths(
  inAppPaths: readonly string[],
  allPaths: readonly string[] = inAppPaths,
  startDirs: readonly string[] = [],
): string | undefined {
  const absolute = inAppPaths.map(normalizePath).filter((p) => isAbsolute(p) && !isLibraryPath(p));
  if (absolute.length === 0) return undefined;
  const windows = WINDOWS_DRIVE.test(absolute[0] ?? '');
  const dirs = absolute.map((p) => segmentsOf(p).slice(0, -1));
  const common = commonPrefix(dirs);
  const minDepth = systemDepth(common.length > 0 ? common : (dirs[0] ?? []));

  // 1. A source folder inside the project folder: the root is its parent. `src` wins over the others
  // (`packages/lib/src/x.ts` is a package named lib), the first one over later ones (`src/lib/x.ts`).
  const lower = common.map((s) => s.toLowerCase());
  let sourceAt = lower.indexOf('src', minDepth + 1);
  if (sourceAt < 0) sourceAt = lower.findIndex((s, i) => i > minDepth && SOURCE_DIRS.has(s));
  if (sourceAt > minDepth) return joinSegments(common.slice(0, sourceAt), windows);

  // 2. The folder that holds node_modules, when the app's files are inside it.
  for (const path of allPaths.map(normalizePath)) {
    const at = path.indexOf('/node_modules/');
    if (at <= 0 || !isAbsolute(path)) continue;
    const root = segmentsOf(path.slice(0, at));
    if (root.length > minDepth && root.length <= common.length && root.every((s, i) => common[i] === s)) {
      return joinSegments(root, windows);
    }
  }

  // 3. The folder the app was started from.
  const starts = [...new Set(startDirs.map(normalizePath))];
  const start = starts.length === 1 && starts[0] !== undefined ? segmentsOf(starts[0]) : undefined;
  if (start && start.length > minDepth && start.length <= common.length && start.every((s, i) => common[i] === s)) {
    return joinSegments(start, windows);
  }

  // 4. The project folder right under the home or system folders. Under an unknown top-level folder
  // only for shallow trees (`/app/routes/x.js`): for `/work/a/b/c/x.js` a guess would be worse than the path.
  if (common.length <= minDepth) return undefined;
  if (minDepth === 0 && Math.max(...dirs.map((d) => d.length)) > 3) return undefined;
  return joinSegments(common.slice(0, minDepth + 1), windows);
}

/** Shows a path relative to the app root (`~/...`), packages as `node_modules/<pkg>/...`. */
export function shortenPath(path: string, appRoot?: string): string {
  const normalized = normalizePath(path);
  const packageAt = normalized.lastIndexOf('/node_modules/');
  if (packageAt >= 0) return normalized.slice(packageAt + 1);
  if (isUrl(normalized)) {
    try {
      const url = new URL(normalized);
      if (url.protocol === 'http:' || url.protocol === 'https:') {
        // Dev servers serve the project root at `/` (Vite, webpack-dev-server); `/@fs/` holds files outside it.
        if (url.pathname.startsWith('/@fs/')) return shortenPath(url.pathname.slice('/@fs'.length), appRoot);
        return `~${url.pathname}`;
      }
    } catch {
      return normalized;
    }
    return normalized;
  }
  if (appRoot !== undefined) {
    const root = normalizePath(appRoot).replace(/\/+$/, '');
    if (normalized === root) return '~';
    if (normalized.startsWith(`${root}/`)) return `~${normalized.slice(root.length)}`;
  }
  return normalized;
}

/**
 * Node's SDK names a frame's module by its path relative to the main script's folder (`routes:users`
 * for `<folder>/routes/users.js`): the file name minus that path is the folder the app started from.
 * Undefined when the module does not match the path (other SDKs, bundlers, custom module names).
 */
export function moduleBaseDir(frame: PathFrame): string | undefined {
  const path = framePath(frame);
  const module = frame.module;
  if (path === undefined || module === undefined || module.length === 0 || module.startsWith('node:')) return undefined;
  const withoutExtension = normalizePath(path).replace(/\.[^/.]+$/, '');
  const relative = `/${module.replace(/:/g, '/')}`;
  if (!withoutExtension.endsWith(relative)) return undefined;
  const dir = withoutExtension.slice(0, -relative.length);
  return isAbsolute(dir) ? dir : undefined;
}

/** The two path readings that events repeat most, as one object so that a store can remember them. */
export interface PathReader {
  readonly appRootFromPaths: typeof appRootFromPaths;
  readonly shortenPath: typeof shortenPath;
}

/** Reads every path afresh: for one event on screen, a test, a one-off. */
export const plainPaths: PathReader = { appRootFromPaths, shortenPath };

const MEMO_LIMIT = 2000;
const NO_ROOT = '\u0000none';

/**
 * The same readings, remembered: thousands of events share a handful of stacks, so a store reads each
 * stack's root and each frame's path once. Bounded: when full it starts over (cheap, and the working set is
 * small). Each store makes its own (see derive.ts): nothing is shared between two overlays or two tests.
 */
export function createPathMemo(): PathReader {
  const roots = new Map<string, string>();
  const shown = new Map<string, string>();
  const remember = (memo: Map<string, string>, key: string, value: string): void => {
    if (memo.size >= MEMO_LIMIT) memo.clear();
    memo.set(key, value);
  };
  return {
    appRootFromPaths(inAppPaths, allPaths = inAppPaths, startDirs = []) {
      const key = `${inAppPaths.join('\n')}\u0000${allPaths === inAppPaths ? '' : allPaths.join('\n')}\u0000${startDirs.join('\n')}`;
      const known = roots.get(key);
      if (known !== undefined) return known === NO_ROOT ? undefined : known;
      const root = appRootFromPaths(inAppPaths, allPaths, startDirs);
      remember(roots, key, root ?? NO_ROOT);
      return root;
    },
    shortenPath(path, appRoot) {
      const key = `${appRoot ?? ''}\u0000${path}`;
      let text = shown.get(key);
      if (text === undefined) {
        text = shortenPath(path, appRoot);
        remember(shown, key, text);
      }
      return text;
    },
  };
}

/** The app root of an event, from the frames of all its exceptions and threads. */
export function appRootOfFrames(frames: readonly PathFrame[], paths: PathReader = plainPaths): string | undefined {
  const inApp: string[] = [];
  const all: string[] = [];
  const starts: string[] = [];
  for (const frame of frames) {
    const path = framePath(frame);
    if (path === undefined) continue;
    all.push(path);
    if (!isInAppFrame(frame)) continue;
    inApp.push(path);
    const start = moduleBaseDir(frame);
    if (start !== undefined) starts.push(start);
  }
  return paths.appRootFromPaths(inApp, all, starts);
}

/**
 * The app root an SDK declared (Spotlight's hooks send `contexts.app.app_root`), when the in-app
 * files are inside it; else undefined.
 */
export function declaredAppRoot(declared: unknown, inAppPaths: readonly string[]): string | undefined {
  if (typeof declared !== 'string' || declared.length === 0) return undefined;
  const root = normalizePath(declared).replace(/\/+$/, '');
  if (!isAbsolute(root) || root.length === 0) return undefined;
  const absolute = inAppPaths.map(normalizePath).filter(isAbsolute);
  return absolute.length === 0 || absolute.some((p) => p.startsWith(`${root}/`)) ? root : undefined;
}
