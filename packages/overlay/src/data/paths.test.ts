import { describe, expect, it } from 'vitest';
import { appRootFromPaths, appRootOfFrames, declaredAppRoot, isInAppFrame, moduleBaseDir, normalizePath, shortenPath } from './paths.ts';

describe('appRootFromPaths', () => {
  it.each([
    // The seed's example: the app lives in a monorepo under a workspace folder.
    [['/home/dcramer/src/peated/apps/api/src/routes/triggerSentry.tsx'], '/home/dcramer/src/peated/apps/api'],
    [['/home/dev/app/src/probe.mjs'], '/home/dev/app'],
    [['/home/me/project/src/lib/util.ts'], '/home/me/project'],
    [['/home/me/project/src/routes/x.ts', '/home/me/project/src/db.ts'], '/home/me/project'],
    [['/home/me/mono/packages/lib/src/x.ts'], '/home/me/mono/packages/lib'],
    // No source folder: the project folder under the home or workspace folder.
    [['/home/me/project/server.js', '/home/me/project/routes/users.js'], '/home/me/project'],
    [['/home/me/src/project/server.js', '/home/me/src/project/routes/users.js'], '/home/me/src/project'],
    [['/home/me/project/routes/users.js'], '/home/me/project'],
    [['/Users/jane/code/shop/app/page.tsx', '/Users/jane/code/shop/lib/db.ts'], '/Users/jane/code/shop'],
    [['/root/service/index.js'], '/root/service'],
    // Containers.
    [['/app/server.js', '/app/routes/x.js'], '/app'],
    [['/app/routes/api/x.js'], '/app'],
    [['/usr/src/app/src/index.js'], '/usr/src/app'],
    [['/var/www/site/dist/server.mjs'], '/var/www/site'],
    // Build output folders count as source folders.
    [['/home/me/web/.next/server/app/page.js'], '/home/me/web'],
    // Windows and file URLs.
    [['C:\\Users\\me\\project\\src\\index.ts'], 'C:/Users/me/project'],
    [['file:///home/me/project/src/index.mjs'], '/home/me/project'],
  ])('%j -> %s', (paths, root) => {
    expect(appRootFromPaths(paths)).toBe(root);
  });

  it('uses the folder holding node_modules when the app files have no source folder', () => {
    expect(
      appRootFromPaths(
        ['/home/me/src/mono/apps/api/routes/x.js', '/home/me/src/mono/apps/api/server.js'],
        ['/home/me/src/mono/apps/api/routes/x.js', '/home/me/src/mono/node_modules/express/lib/router/layer.js'],
      ),
    ).toBe('/home/me/src/mono');
  });

  it('gives up when the files share no project folder', () => {
    expect(appRootFromPaths(['/home/me/one/a.js', '/home/me/two/b.js'])).toBeUndefined();
    expect(appRootFromPaths(['/a.js'])).toBeUndefined();
    expect(appRootFromPaths([])).toBeUndefined();
    expect(appRootFromPaths(['http://localhost:5173/src/main.ts'])).toBeUndefined();
  });
});

describe('shortenPath', () => {
  const root = '/home/dcramer/src/peated/apps/api';

  it.each([
    ['/home/dcramer/src/peated/apps/api/src/routes/triggerSentry.tsx', '~/src/routes/triggerSentry.tsx'],
    ['/home/dcramer/src/peated/node_modules/express/lib/router/index.js', 'node_modules/express/lib/router/index.js'],
    // pnpm's store: the package's own folder, not the store path.
    [
      '/home/dcramer/src/peated/node_modules/.pnpm/@sentry+core@11.12.0/node_modules/@sentry/core/build/esm/exports.js',
      'node_modules/@sentry/core/build/esm/exports.js',
    ],
    ['node:internal/process/task_queues', 'node:internal/process/task_queues'],
    ['/usr/lib/other/file.js', '/usr/lib/other/file.js'],
    ['http://localhost:5173/src/App.tsx?t=1712345678', '~/src/App.tsx'],
    ['http://localhost:5173/node_modules/.vite/deps/react-dom_client.js?v=abc123', 'node_modules/.vite/deps/react-dom_client.js'],
    ['http://localhost:5173/@fs/home/dcramer/src/peated/apps/api/src/shared.ts', '~/src/shared.ts'],
    ['file:///home/dcramer/src/peated/apps/api/src/index.mjs', '~/src/index.mjs'],
    ['<anonymous>', '<anonymous>'],
  ])('%s -> %s', (path, shown) => {
    expect(shortenPath(path, root)).toBe(shown);
  });

  it('leaves paths alone without a root', () => {
    expect(shortenPath('/home/me/project/src/x.ts')).toBe('/home/me/project/src/x.ts');
  });

  it('does not treat a sibling folder with the same prefix as inside the root', () => {
    expect(shortenPath('/home/me/project-two/src/x.ts', '/home/me/project')).toBe('/home/me/project-two/src/x.ts');
  });

  it('shortens Windows paths', () => {
    expect(shortenPath('C:\\Users\\me\\project\\src\\index.ts', 'C:/Users/me/project')).toBe('~/src/index.ts');
  });
});

describe('frames', () => {
  it('judges in-app by the SDK flag, else by path', () => {
    expect(isInAppFrame({ filename: '/home/me/p/node_modules/x/y.js', in_app: true })).toBe(true);
    expect(isInAppFrame({ filename: '/home/me/p/src/y.js', in_app: false })).toBe(false);
    expect(isInAppFrame({ filename: '/home/me/p/src/y.js' })).toBe(true);
    expect(isInAppFrame({ filename: '/home/me/p/node_modules/x/y.js' })).toBe(false);
    expect(isInAppFrame({ filename: 'node:internal/timers' })).toBe(false);
    expect(isInAppFrame({ filename: '<anonymous>' })).toBe(false);
    expect(isInAppFrame({})).toBe(false);
  });

  it('finds the root from a whole stack, preferring abs_path', () => {
    expect(
      appRootOfFrames([
        { filename: 'node:internal/process/task_queues', in_app: false },
        { abs_path: '/home/me/shop/node_modules/express/lib/router/layer.js', filename: 'express/lib/router/layer.js', in_app: false },
        { abs_path: '/home/me/shop/src/routes/cart.ts', filename: 'src/routes/cart.ts', in_app: true },
        { abs_path: '/home/me/shop/src/db.ts', in_app: true },
      ]),
    ).toBe('/home/me/shop');
  });

  it("derives the folder the app started from out of Node's module names", () => {
    expect(moduleBaseDir({ filename: '/srv/work/shop/server/routes/users.mjs', module: 'routes:users' })).toBe('/srv/work/shop/server');
    expect(moduleBaseDir({ filename: '/home/dev/app/src/probe.mjs', module: 'probe-sdk' })).toBeUndefined();
    expect(moduleBaseDir({ filename: 'node:fs', module: 'node:fs' })).toBeUndefined();
    // Unknown top-level folders: without the module names only the first folder would be left as the root.
    expect(appRootOfFrames([{ filename: '/work/main/examples/shop/server/app.mjs', module: 'app', in_app: true }])).toBe(
      '/work/main/examples/shop/server',
    );
    expect(appRootOfFrames([{ filename: '/work/main/examples/shop/server/app.mjs', in_app: true }])).toBeUndefined();
  });

  it('takes a declared app root when the app files are inside it', () => {
    const inApp = ['/work/main/examples/shop/server/app.mjs'];
    expect(declaredAppRoot('/work/main/examples/shop/', inApp)).toBe('/work/main/examples/shop');
    expect(declaredAppRoot('/elsewhere', inApp)).toBeUndefined();
    expect(declaredAppRoot('relative/path', inApp)).toBeUndefined();
    expect(declaredAppRoot(42, inApp)).toBeUndefined();
    expect(declaredAppRoot('/work/main/examples/shop', [])).toBe('/work/main/examples/shop');
  });

  it('normalizes file URLs, Windows paths and URL queries', () => {
    expect(normalizePath('file:///C:/Users/me/p/x.js')).toBe('C:/Users/me/p/x.js');
    expect(normalizePath('file:///home/me/my%20app/x.js')).toBe('/home/me/my app/x.js');
    expect(normalizePath('https://example.com/a.js?v=1#x')).toBe('https://example.com/a.js');
    expect(normalizePath('/home/me/x.js')).toBe('/home/me/x.js');
  });
});
