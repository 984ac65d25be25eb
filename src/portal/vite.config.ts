import { fileURLToPath } from 'node:url';
import { defineConfig } from 'vite';
import preact from '@preact/preset-vite';

const here = fileURLToPath(new URL('.', import.meta.url));

// The gateway serves dist/portal at `/`; hashed file names let it cache assets for a year.
export default defineConfig({
  root: here,
  base: '/',
  plugins: [preact()],
  build: {
    outDir: fileURLToPath(new URL('../../dist/portal', import.meta.url)),
    emptyOutDir: true,
    assetsDir: 'assets',
    // Kept small on purpose: no source maps shipped to browsers.
    sourcemap: false,
  },
  // `vite dev` talks to a gateway started with `npm run dev`.
  server: { proxy: { '/api': 'http://127.0.0.1:8080' } },
});
