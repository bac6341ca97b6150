import { spotlight } from 'sentry-spotlight/vite';
import { defineConfig } from 'vite';

// scripts/dev.mjs starts the API first and passes its address here.
const api = process.env.API_URL ?? 'http://127.0.0.1:3001';

export default defineConfig({
  plugins: [
    // In `vite dev` only: finds or starts the sidecar, adds the Spotlight overlay to the page, and shows
    // build errors in Spotlight instead of Vite's overlay. `vite build` output is unchanged.
    spotlight(),
  ],
  server: {
    host: '127.0.0.1',
    port: Number(process.env.PORT ?? 5173),
    proxy: { '/api': api, '/orders': api },
  },
});
