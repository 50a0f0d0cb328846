import js from '@eslint/js';
import tseslint from 'typescript-eslint';
import globals from 'globals';

export default tseslint.config(
  { ignores: ['dist/', 'node_modules/', 'coverage/', 'data/', 'jest.config.js'] },
  js.configs.recommended,
  ...tseslint.configs.recommended,
  {
    languageOptions: { globals: { ...globals.node, ...globals.jest } },
    rules: {
      '@typescript-eslint/no-unused-vars': ['error', { argsIgnorePattern: '^_', varsIgnorePattern: '^_' }],
      '@typescript-eslint/no-non-null-assertion': 'off',
      'no-restricted-syntax': [
        'error',
        {
          selector: "MemberExpression[object.name='process'][property.name='env']",
          message: 'Read configuration through loadConfig() in libs/core (the one validated schema).',
        },
      ],
    },
  },
  {
    // The env schema itself, the CLI's log-level default, and the tests' own wiring may read process.env.
    files: ['libs/core/config/**', 'apps/cli/main.ts', 'test/**', '**/*.spec.ts', 'bench/**'],
    rules: { 'no-restricted-syntax': 'off' },
  },
);
