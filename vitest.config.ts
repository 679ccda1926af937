import { defineConfig } from 'vitest/config';

export default defineConfig({
  test: {
    include: ['test/**/*.test.ts'],
    // the live smoke test runs only with `npm run test:live` (it needs OPENAI_API_KEY)
    exclude: ['test/live/**', 'node_modules/**'],
    testTimeout: 60_000,
    hookTimeout: 300_000,
    pool: 'forks',
  },
});
