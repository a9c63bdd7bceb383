import { defineConfig } from "vite";

export default defineConfig({
  clearScreen: false,
  build: {
    target: "safari15",
    outDir: "dist",
    emptyOutDir: true,
    sourcemap: false,
    // One script file, no inline script: the CSP allows only 'self'.
    modulePreload: { polyfill: false },
  },
  test: { environment: "node", include: ["src/**/*.test.ts"] },
});
