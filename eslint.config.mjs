// ESLint for the project's TypeScript (typescript-eslint's recommended rules) and its plain scripts.
// Formatting is Prettier's job (`npm run format:check`), so no stylistic rules here.
import js from '@eslint/js';
import tseslint from 'typescript-eslint';
import jest from 'eslint-plugin-jest';

/** The shape of every `it`/`test` title outside test/e2e (see the test-file rules below). */
const SCENARIO_TITLE = '^GIVEN \\S.* WHEN \\S.* THEN \\S.*$';
/** What a title that does not have that shape is told. */
const SCENARIO_MESSAGE =
  'A test title is a scenario: GIVEN <setup> WHEN <action> THEN <outcome>; a failing case ends THEN it throws/fails ...';
/** The same, as an esquery regular expression (no `/` inside). */
const SCENARIO_SELECTOR = `/${SCENARIO_TITLE}/`;
/** A call that declares a test: `it`, `test`, a local alias named `...Test`, `test.only`, `it.each(table)`. */
const TEST_CALL =
  'CallExpression:matches([callee.name=/^(it|test)$|Test$/], [callee.object.name=/^(it|test)$/], [callee.callee.object.name=/^(it|test)$/])';

export default tseslint.config(
  {
    ignores: [
      'dist/**',
      'node_modules/**',
      'test/fork/**',
      'bench/.work/**',
      'coverage/**',
      'docs/api/**',
      '**/cdktf.out/**',
      'lib/provider/proto/descriptor.ts',
    ],
  },
  js.configs.recommended,
  ...tseslint.configs.recommended,
  {
    languageOptions: {
      globals: {
        require: 'readonly',
        module: 'writable',
        process: 'readonly',
        console: 'readonly',
        __dirname: 'readonly',
        Buffer: 'readonly',
        setTimeout: 'readonly',
        clearTimeout: 'readonly',
        URL: 'readonly',
      },
    },
    rules: {
      '@typescript-eslint/no-unused-vars': ['error', { argsIgnorePattern: '^_', varsIgnorePattern: '^_', caughtErrors: 'none' }],
    },
  },
  {
    // Jest's own rules for every test file, test/e2e included: no focused, skipped or twice-named tests,
    // no commented-out tests, well-formed describe/expect calls. Left off, as they would mean rewriting
    // test bodies: no-conditional-expect, no-standalone-expect (expects in helpers and hooks) and
    // expect-expect (a test that asserts by throwing; with assertFunctionNames 'expectConstructError'
    // it is the only one).
    files: ['test/**/*.test.ts'],
    plugins: { jest },
    rules: {
      'jest/no-focused-tests': 'error',
      'jest/no-disabled-tests': 'error',
      'jest/no-identical-title': 'error',
      'jest/no-commented-out-tests': 'error',
      'jest/no-alias-methods': 'error',
      'jest/no-deprecated-functions': 'error',
      'jest/no-done-callback': 'error',
      'jest/no-export': 'error',
      'jest/no-jasmine-globals': 'error',
      'jest/no-mocks-import': 'error',
      'jest/no-test-prefixes': 'error',
      'jest/no-interpolation-in-snapshots': 'error',
      'jest/valid-describe-callback': 'error',
      'jest/valid-expect': 'error',
      'jest/valid-expect-in-promise': 'error',
      'jest/valid-title': 'error',
    },
  },
  {
    // One naming style for tests: every `it`/`test` title is a scenario, `GIVEN <setup> WHEN <action>
    // THEN <outcome>`. A failing case is no exception: its outcome is the failure
    // (`GIVEN ... WHEN ... THEN it throws MlpArgumentError ...`), never a bare `throws when ...`.
    // `describe` titles stay free. valid-title checks string titles and `it.each`/`test.each` format
    // strings; it skips template literals with `${}` parts and does not know local aliases of `test`
    // (`const writeTest = WRITES ? test : test.skip`, named `...Test` by convention), so
    // no-restricted-syntax holds those to the same shape: a literal part starting `GIVEN ` and literal
    // parts holding `WHEN` and `THEN`.
    files: ['test/**/*.test.ts'],
    rules: {
      'jest/valid-title': ['error', { mustMatch: { it: [SCENARIO_TITLE, SCENARIO_MESSAGE], test: [SCENARIO_TITLE, SCENARIO_MESSAGE] } }],
      'no-restricted-syntax': [
        'error',
        {
          selector: `${TEST_CALL} > TemplateLiteral:first-child[expressions.length>0]:matches(:not([quasis.0.value.cooked=/^GIVEN /]), :not(:has(TemplateElement[value.cooked=/\\bWHEN\\b/])), :not(:has(TemplateElement[value.cooked=/\\bTHEN\\b/])))`,
          message: `${SCENARIO_MESSAGE} (the words GIVEN, WHEN and THEN outside \${}).`,
        },
        {
          selector: `CallExpression[callee.name=/Test$/] > :matches(Literal, TemplateLiteral[expressions.length=0]):first-child:not([value=${SCENARIO_SELECTOR}], [quasis.0.value.cooked=${SCENARIO_SELECTOR}])`,
          message: SCENARIO_MESSAGE,
        },
      ],
    },
  },
  {
    files: ['**/*.js', '**/*.cjs'],
    rules: { '@typescript-eslint/no-require-imports': 'off' },
  },
);
