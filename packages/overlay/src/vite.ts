// `sentry-spotlight/vite`: the Vite plugin (overlay in every page, build errors in Spotlight; `vite dev` only).
export * from '@spotlight/sdk-hooks/vite';
