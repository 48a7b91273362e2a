import react from "@vitejs/plugin-react";
import { defineConfig } from "vitest/config";

// `npm run dev:web`: Vite's dev server, proxying the API's routes to the server `npm start` runs
// (API_URL, default http://127.0.0.1:4000), so the app still calls its own origin.
const api = process.env.API_URL ?? "http://127.0.0.1:4000";
const proxied = ["/api", "/graphql", "/ipfs", "/health", "/ready", "/metrics", "/docs"];

export default defineConfig({
  plugins: [react()],
  server: {
    host: "127.0.0.1",
    port: 5173,
    proxy: Object.fromEntries(proxied.map((route) => [route, { target: api, changeOrigin: false }])),
  },
  build: { outDir: "dist", emptyOutDir: true, sourcemap: true },
  test: {
    environment: "jsdom",
    include: ["src/**/*.test.{ts,tsx}"],
    setupFiles: ["src/test-setup.ts"],
    // A ceiling, not a speed check: on a loaded 2-core machine a form test with typing can pass 5 s.
    testTimeout: 30_000,
  },
});
