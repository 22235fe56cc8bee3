import js from '@eslint/js';
import tseslint from 'typescript-eslint';
import { builtinModules } from 'node:module';

const nodeBuiltins = [...builtinModules, ...builtinModules.map((m) => `node:${m}`)];

// The layers, from the inside out:
//   core          config/ email/ gpu/ (but its activities/ and workflows/) report/ sales/ schemas/ store/ temporal/
//   Temporal      workflows/ activities/ gpu/workflows/ gpu/activities/ worker.ts
//   operator CLI  cli/
//   dev kit       dev/ (demo, simulator, local stack) and test/ bench/, which may import everything.
// Each rule below keeps an inner layer from importing an outer one.
const devKit = {
  group: ['**/dev', '**/dev/**', '**/cli', '**/cli/**', '**/test/**', '**/bench/**'],
  message: 'Product code must not import the dev kit, tests, benchmark or the operator CLI.',
};
const temporalLayer = {
  group: ['**/activities', '**/activities/**', '**/workflows', '**/workflows/**', '**/worker'],
  message: 'The core must not import workflows or activities: they are built on it, not the other way round.',
};
const cliDevKit = {
  group: ['**/dev', '**/dev/**', '**/test/**', '**/bench/**'],
  message: 'The operator CLI ships to production: it must not import the dev kit, tests or benchmark.',
};
const workflowFiles = ['workflows/**/*.ts', 'gpu/workflows/**/*.ts'];
const temporalFiles = [...workflowFiles, 'activities/**/*.ts', 'gpu/activities/**/*.ts', 'worker.ts'];
const coreFolders = ['alerts', 'config', 'email', 'gpu', 'report', 'sales', 'schemas', 'store', 'temporal'];

export default tseslint.config(
  { ignores: ['node_modules/**', 'out/**', 'coverage/**', 'bench/results/**', 'bin/**'] },
  js.configs.recommended,
  ...tseslint.configs.recommendedTypeChecked,
  {
    languageOptions: {
      parserOptions: {
        projectService: { allowDefaultProject: ['*.mjs', '*.mts'] },
        tsconfigRootDir: import.meta.dirname,
      },
    },
    rules: {
      '@typescript-eslint/no-floating-promises': 'error',
      '@typescript-eslint/no-misused-promises': 'error',
      '@typescript-eslint/no-unused-vars': ['error', { argsIgnorePattern: '^_', ignoreRestSiblings: true }],
      // Activities and providers are async by contract, whether or not a given one awaits.
      '@typescript-eslint/require-await': 'off',
    },
  },
  {
    files: coreFolders.map((folder) => `${folder}/**/*.ts`),
    ignores: temporalFiles,
    rules: { 'no-restricted-imports': ['error', { patterns: [devKit, temporalLayer] }] },
  },
  {
    files: temporalFiles,
    ignores: workflowFiles,
    rules: { 'no-restricted-imports': ['error', { patterns: [devKit] }] },
  },
  { files: ['cli/**/*.ts'], rules: { 'no-restricted-imports': ['error', { patterns: [cliDevKit] }] } },
  {
    // Workflow code runs in a deterministic sandbox: no I/O, no clocks, no randomness.
    files: workflowFiles,
    rules: {
      'no-restricted-imports': ['error', { paths: nodeBuiltins, patterns: [devKit] }],
      'no-restricted-properties': [
        'error',
        { object: 'Date', property: 'now', message: 'Use workflow time from the SDK.' },
        { object: 'Math', property: 'random', message: 'Workflows must be deterministic.' },
      ],
    },
  },
  { files: ['*.mjs', '*.mts'], ...tseslint.configs.disableTypeChecked },
);
