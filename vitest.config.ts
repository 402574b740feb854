import { defineConfig } from "vitest/config";

export default defineConfig({
  test: {
    include: ["test/**/*.test.ts"],
    testTimeout: 30_000,
    // Several files run a whole scan (with probes) once in beforeAll: 30+ s on a loaded 2-core machine.
    hookTimeout: 120_000,
    // Simulator servers bind ephemeral loopback ports, so files can run in parallel safely.
    pool: "forks",
    env: { AWS_SDK_JS_NODE_VERSION_SUPPORT_WARNING_DISABLED: "true" },
  },
});
