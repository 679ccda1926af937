/**
 * `npm run test:quick`: the unit and fast end-to-end tests, for everyday work (under 2 minutes on a
 * 2-core machine). It leaves out the suites that spend their time on purpose: crash and fault
 * matrices, fuzzing, the property test of plan and apply, load, Schemathesis, the Python environments the generated code and the agent
 * frameworks run in, and the README quickstart from a fresh copy. `npm test` (CI) runs everything, these included.
 */
import { defineConfig, mergeConfig } from 'vitest/config';
import base from './vitest.config.js';

export const SLOW = [
  'test/checks/junit-schema.test.ts',
  'test/codegen/promptfoo-eval.test.ts',
  'test/codegen/python.test.ts',
  'test/codegen/foundry.test.ts',
  'test/codegen/responses-tools.test.ts',
  'test/codegen/targets.test.ts',
  'test/plan/properties.test.ts',
  'test/emulator/agents.test.ts',
  'test/emulator/responses-fidelity-python.test.ts',
  'test/emulator/python-sdk.test.ts',
  'test/emulator/indexing-python.test.ts',
  'test/emulator/foundry-python-sdk.test.ts',
  'test/emulator/restart.test.ts',
  'test/emulator/schemathesis.test.ts',
  'test/gitops/quickstart.test.ts',
  'test/gitops/install.test.ts',
  'test/reliability/concurrency.test.ts',
  'test/reliability/crash-matrix.test.ts',
  'test/reliability/fault-matrix.test.ts',
  'test/reliability/fuzz.test.ts',
  'test/reliability/load.test.ts',
  'test/reliability/secrets.test.ts',
  'test/reliability/signals.test.ts',
  'test/targets/foundry-adopt.test.ts',
  'test/targets/foundry-plan.test.ts',
];

// these tests wait on child processes and HTTP more than they compute: two at once on two cores
export default mergeConfig(base, defineConfig({ test: { exclude: SLOW, maxWorkers: 2 } }));
