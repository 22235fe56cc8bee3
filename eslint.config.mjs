import js from '@eslint/js';
import tseslint from 'typescript-eslint';
import { builtinModules } from 'node:module';

const nodeBuiltins = [...builtinModules, ...builtinModules.map((m) => `node:${m}`)];

// The layers, from the inside out:
//   config        config/ schemas/: the one config object, its secrets and the JSON Schemas
//   domain        alerts/ chat/ email/ gpu/ report/ sales/ store/: the product by subject, free of Temporal
//   Temporal glue temporal/: contracts, connection, codec, search attributes, operator queries
//   Temporal      workflows/ activities/ worker.ts: Temporal by role
//   operator CLI  cli/
//   dev kit       dev/ (demo, simulator, local stack) and test/ bench/, which may import everything.
// Each rule below keeps an inner layer from importing an outer one.
const devKit = {
  group: ['**/dev', '**/dev/**', '**/cli', '**/cli/**', '**/test/**', '**/bench/**'],
  message: 'Product code must not import the dev kit, tests, benchmark or the operator CLI.',
};
const temporalRoles = {
  // The root worker.ts, not the SDK's @temporalio/worker (which bundles workflow code and replays histories).
  group: ['**/activities', '**/activities/**', '**/workflows', '**/workflows/**', '**/worker', '!@temporalio/worker'],
  message:
    'Only the Temporal layer imports workflows or activities: they are built on the rest, not the other way round.',
};
const temporalAnything = {
  group: ['@temporalio/*', '**/temporal', '**/temporal/**'],
  message: 'Domain and config code knows nothing of Temporal: contracts and Temporal types live in temporal/.',
};
const domain = {
  group: [
    '**/gpu',
    '**/gpu/**',
    '**/sales/**',
    '**/report/**',
    '**/store',
    '**/store/**',
    '**/email/**',
    '**/alerts/**',
    '**/chat/**',
  ],
  message: 'Config is read by the domain, not built on it: config/ and schemas/ import no provider or domain module.',
};
const cliDevKit = {
  group: ['**/dev', '**/dev/**', '**/test/**', '**/bench/**'],
  message: 'The operator CLI ships to production: it must not import the dev kit, tests or benchmark.',
};
const workflowFiles = ['workflows/**/*.ts'];
const temporalFiles = [...workflowFiles, 'activities/**/*.ts', 'worker.ts'];
const domainFolders = ['alerts', 'chat', 'email', 'gpu', 'report', 'sales', 'store'];
const configFolders = ['config', 'schemas'];
const files = (folders) => folders.map((folder) => `${folder}/**/*.ts`);

export default tseslint.config(
  { ignores: ['node_modules/**', 'dist/**', 'out/**', 'coverage/**', 'bench/results/**', 'bin/**'] },
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
    files: files(configFolders),
    rules: { 'no-restricted-imports': ['error', { patterns: [devKit, temporalRoles, temporalAnything, domain] }] },
  },
  {
    files: files(domainFolders),
    rules: { 'no-restricted-imports': ['error', { patterns: [devKit, temporalRoles, temporalAnything] }] },
  },
  { files: files(['temporal']), rules: { 'no-restricted-imports': ['error', { patterns: [devKit, temporalRoles] }] } },
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
