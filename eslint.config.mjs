/**
 * ESLint for src/ and tools/, with type information (typescript-eslint's project service reads tsconfig.json).
 *
 * typescript-eslint needs TypeScript's JS API, which the project's compiler (typescript 7, native) does not
 * have; it runs on the `typescript-5` alias (typescript@5.9) instead. `npm run lint` therefore starts eslint
 * as `node --import ./tools/ts5.mjs ...`, the loader dependency-cruiser uses too: it sends every `typescript`
 * import and require to `typescript-5`. package.json's `overrides` widen typescript-eslint's peer range so npm
 * accepts the root's typescript 7 (it is never loaded by eslint). Running a bare `npx eslint` loads
 * typescript 7 and fails: use `npm run lint`.
 *
 * The size rules: no src/ file over 500 lines and no function over 80 (blank and comment lines not counted), both
 * errors.
 */
import tseslint from 'typescript-eslint';

export default tseslint.config(
  { ignores: ['dist/**', 'build/**', 'node_modules/**', 'test/**', 'bin/**', '*.mjs', '*.cjs', 'vitest.config.ts'] },
  {
    files: ['src/**/*.ts', 'tools/**/*.ts'],
    languageOptions: {
      parser: tseslint.parser,
      parserOptions: {
        // tools/*.ts belong to tsconfig.tools.json, which no tsconfig.json next to them names
        projectService: { allowDefaultProject: ['tools/*.ts'], defaultProject: 'tsconfig.tools.json' },
        tsconfigRootDir: import.meta.dirname,
      },
    },
    plugins: { '@typescript-eslint': tseslint.plugin },
    linterOptions: { reportUnusedDisableDirectives: 'error' },
    rules: {
      // A new kind must fail where it is not handled: `default:` does not count as handling a union member.
      '@typescript-eslint/switch-exhaustiveness-check': [
        'error',
        { considerDefaultExhaustiveForUnions: false, requireDefaultForNonUnion: false },
      ],
      '@typescript-eslint/no-unused-vars': [
        'error',
        { argsIgnorePattern: '^_', varsIgnorePattern: '^_', caughtErrors: 'none', ignoreRestSiblings: true },
      ],
      '@typescript-eslint/no-floating-promises': 'error',
    },
  },
  {
    files: ['src/**/*.ts'],
    rules: {
      'max-lines': ['error', { max: 500, skipBlankLines: true, skipComments: true }],
      'max-lines-per-function': ['error', { max: 80, skipBlankLines: true, skipComments: true }],
    },
  },
);
