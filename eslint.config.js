import js from '@eslint/js';
import tseslint from 'typescript-eslint';

const nodeBuiltins = ['node:*', 'fs', 'path', 'crypto', 'os', 'child_process', 'http', 'net', 'url', 'util', 'stream'];

export default tseslint.config(
  { ignores: ['node_modules/**', '.potik/**', '.scratch/**', 'coverage/**', 'bin/**', 'scripts/start.js'] },
  js.configs.recommended,
  ...tseslint.configs.recommended,
  {
    files: ['**/*.ts'],
    languageOptions: { parserOptions: { projectService: true, tsconfigRootDir: import.meta.dirname } },
    rules: {
      '@typescript-eslint/no-floating-promises': 'error',
      '@typescript-eslint/consistent-type-imports': 'error',
      '@typescript-eslint/no-unused-vars': ['error', { argsIgnorePattern: '^_', varsIgnorePattern: '^_' }],
    },
  },
  {
    // Workflow code runs in Temporal's deterministic sandbox: no I/O, no Node built-ins, no clocks of its own.
    files: ['workflows/**/*.ts'],
    ignores: ['workflows/**/*.test.ts'],
    rules: {
      '@typescript-eslint/no-restricted-imports': [
        'error',
        {
          patterns: [
            { group: nodeBuiltins, message: 'Workflow code must not use Node built-ins.' },
            {
              group: [
                'pg',
                'express',
                'ajv',
                'ajv/*',
                'yaml',
                'pino',
                '@temporalio/client',
                '@temporalio/worker',
                '@temporalio/activity',
              ],
              message: 'Workflow code must not import I/O libraries.',
            },
            {
              group: ['../lib/*', '../db/*', '../api/*', '../activities/*', '../definitions/*'],
              allowTypeImports: true,
              message: 'Workflows import only types from outside workflows/.',
            },
          ],
        },
      ],
      'no-restricted-properties': ['error', { object: 'Math', property: 'random', message: 'Not deterministic.' }],
      'no-restricted-globals': ['error', { name: 'process', message: 'Workflows get configuration as input.' }],
    },
  },
);
