import react from '@vitejs/plugin-react';
import { defineConfig } from 'vite';
import { mantineThemeCss } from './mantine-css.ts';

/**
 * The console is served by `hush serve` at /ui/ (src/http/console.ts). Relative asset URLs (`base: './'`) keep it
 * working behind a proxy that mounts Hush under a path. No inline script or style ends up in index.html, which the
 * console's Content-Security-Policy would refuse. `npm run dev` proxies the API to a Hush on 127.0.0.1:8000.
 */
export default defineConfig({
  base: './',
  plugins: [react(), mantineThemeCss()],
  build: {
    outDir: 'dist',
    assetsDir: 'assets',
    emptyOutDir: true,
    // The polyfill is an inline script; every browser the console supports has modulepreload.
    modulePreload: { polyfill: false },
    // Inlined assets become data: URLs, which `img-src 'self'` would refuse for anything but images.
    assetsInlineLimit: 0,
    reportCompressedSize: true,
    target: 'es2022',
  },
  server: {
    proxy: Object.fromEntries(['/api', '/v1', '/healthz', '/readyz'].map((p) => [p, 'http://127.0.0.1:8000'])),
  },
});
