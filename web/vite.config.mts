import { fileURLToPath } from 'node:url';
import { defineConfig } from 'vite';

// The interface is built into dist/web, which the server serves at `/` (src/web-interface/web-interface.ts).
// Everything is bundled: no CDN, no font or script from another origin (SPEC section 11).
export default defineConfig({
  root: fileURLToPath(new URL('.', import.meta.url)),
  base: '/',
  publicDir: false,
  oxc: { jsx: { runtime: 'automatic' } },
  build: {
    outDir: '../dist/web',
    emptyOutDir: true,
    assetsInlineLimit: 0,
    sourcemap: false,
    reportCompressedSize: true,
  },
});
