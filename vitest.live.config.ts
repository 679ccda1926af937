import { defineConfig } from 'vitest/config';

// `npm run test:live`: the opt-in smoke test against a real account (needs OPENAI_API_KEY).
export default defineConfig({
  test: {
    include: ['test/live/**/*.test.ts'],
    testTimeout: 900_000,
    hookTimeout: 900_000,
  },
});
