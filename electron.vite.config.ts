import { resolve } from 'node:path';
import { defineConfig } from 'electron-vite';
import react from '@vitejs/plugin-react';
import type { Plugin } from 'vite';
import { cspMetaTag, metaContentSecurityPolicy } from './core/server/csp';

const alias = { '@core/api': resolve(__dirname, 'core/api') };

/**
 * The built index.html carries the desktop window's CSP as a meta tag too (the
 * app:// protocol also sends it as a header; browser mode rewrites the tag to
 * its own per-response policy). Build only: the dev server injects inline
 * scripts (React refresh) that this policy would block.
 */
function cspMeta(): Plugin {
  return {
    name: 'syncwarden-csp-meta',
    apply: 'build',
    // After <meta charset>, which must come first.
    transformIndexHtml: (html) => html.replace(/<meta charset="UTF-8" \/>/, (charset) => `${charset}\n    ${cspMetaTag(metaContentSecurityPolicy({ inlineStyles: 'unsafe-inline' }))}`),
  };
}

export default defineConfig({
  main: {
    resolve: { alias },
    build: {
      // Node 20 runs the CLI; Electron's newer Node runs the main process.
      target: 'node20',
      rollupOptions: {
        input: {
          index: resolve(__dirname, 'electron/main/index.ts'),
          cli: resolve(__dirname, 'core/cli/main.ts'),
        },
      },
    },
  },
  preload: {
    resolve: { alias },
    build: {
      // A sandboxed preload cannot require() from node_modules: bundle everything, as CommonJS.
      externalizeDeps: false,
      rollupOptions: {
        input: { index: resolve(__dirname, 'electron/preload/index.ts') },
        output: { format: 'cjs', entryFileNames: '[name].js' },
      },
    },
  },
  renderer: {
    root: resolve(__dirname, 'renderer'),
    base: './',
    resolve: { alias },
    plugins: [react(), cspMeta()],
    build: {
      outDir: resolve(__dirname, 'out/renderer'),
      // electron-vite leaves the renderer unminified by default; 1.8 MB of JS loads noticeably slower.
      minify: true,
      rollupOptions: { input: resolve(__dirname, 'renderer/index.html') },
    },
  },
});
