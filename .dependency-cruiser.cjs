/**
 * The layers of mlp-tokens, checked by dependency-cruiser (`npm run lint:deps`, part of `npm test`;
 * ARCHITECTURE.md explains them). Every rule is an error: a new import that crosses a layer fails
 * the build, with the rule's name and the offending import in the message.
 *
 * Type-only imports count (`tsPreCompilationDeps`): a type the emulator takes from the client still
 * ties the emulator to the client's release. Lazy `require()` inside a function counts too: a
 * dependency loaded late is still a dependency. What loads when (zod and undici only after the
 * provider's handshake) is a run-time property, checked by test/architecture/layers.test.ts.
 */
'use strict';

/** Our own modules (for "imports nothing of ours but ...") . */
const OURS = '^(lib|test|bench|examples|tools|scripts)/';

/** @type {import('dependency-cruiser').IConfiguration} */
module.exports = {
  forbidden: [
    {
      name: 'no-cycles',
      comment:
        'A cycle makes load order matter (a half-initialised module at run time) and the parts impossible to take apart; move what both need into a module both import (often lib/contract).',
      severity: 'error',
      from: {},
      to: { circular: true },
    },
    {
      name: 'emulator-and-constructs-not-client-or-provider',
      comment:
        'The emulator stands in for the API and the constructs run at synth time: neither may depend on the client or the provider (which would load undici and the gRPC server into a synth, or let the emulator agree with the client by sharing its bugs). Take the shared rule from lib/contract.',
      severity: 'error',
      from: { path: '^lib/(emulator|constructs)/' },
      to: { path: '^lib/(client|provider)/' },
    },
    {
      name: 'install-and-seal-not-client-or-provider',
      comment:
        'Installing the provider and sealing secrets run inside a synth (the constructs call them): they may use only lib/contract, lib/constants.ts and each other.',
      severity: 'error',
      from: { path: '^lib/(install|seal)/' },
      to: { path: '^lib/(client|provider|constructs|emulator)/' },
    },
    {
      name: 'synth-time-packages',
      comment:
        "What runs inside a synth (the constructs, the provider installer, the recipient check) loads no package but cdktf, constructs, zod and fflate: no HTTP client, no gRPC, no age encryption (sealing is the provider's job, lib/seal/seal.ts).",
      severity: 'error',
      from: { path: ['^lib/constructs/', '^lib/install/', '^lib/seal/recipients\\.ts$'] },
      to: {
        dependencyTypes: ['npm', 'npm-dev', 'npm-optional', 'npm-peer', 'npm-no-pkg', 'npm-unknown'],
        pathNot: '(^|/)node_modules/(cdktf|constructs|zod|fflate)/',
      },
    },
    {
      name: 'constructs-do-not-seal',
      comment:
        "The constructs check recipients at synth time; encrypting is the provider's (lib/seal/seal.ts, which loads age-encryption).",
      severity: 'error',
      from: { path: '^lib/constructs/' },
      to: { path: '^lib/seal/seal\\.ts$' },
    },
    {
      name: 'constructs-private-stays-private',
      comment:
        "lib/constructs/private/ is the construct files' shared plumbing (prop checks, value outputs, synth mapping), as aws-cdk's lib/private is: only the construct files and their tests import it, and lib/constructs/index.ts never re-exports it, so it is no part of the public API.",
      severity: 'error',
      from: { pathNot: '^(lib/constructs/(?!index\\.ts$)|test/)' },
      to: { path: '^lib/constructs/private/' },
    },
    {
      name: 'provider-not-cdktf',
      comment:
        'The provider is a plain Node process started by Terraform: it never loads cdktf or constructs (peer dependencies of the construct library only, absent where the provider runs).',
      severity: 'error',
      from: { path: '^lib/provider/' },
      to: { path: ['(^|/)node_modules/(cdktf|constructs|@cdktf/[^/]+)/', '^lib/constructs/'] },
    },
    {
      name: 'provider-core-not-loader',
      comment:
        "The code-cache loader (lib/provider/bundle/) starts the provider; the RPC core, the resources and the API access know nothing of it: main.ts wires the loader's hooks into serve() (onProviderLoaded, beforeFirstApiCall).",
      severity: 'error',
      from: { path: '^lib/provider/', pathNot: '^lib/provider/(main\\.ts$|bundle/)' },
      to: { path: '^lib/provider/bundle/' },
    },
    {
      name: 'contract-is-the-bottom-layer',
      comment:
        'lib/contract (routes, wire schemas, input rules, redaction) is what every part agrees on: it imports nothing of ours but lib/constants.ts and itself.',
      severity: 'error',
      from: { path: '^lib/contract/' },
      to: { path: OURS, pathNot: ['^lib/contract/', '^lib/constants\\.ts$'] },
    },
    {
      name: 'contract-rules-without-zod',
      comment:
        'The pure rules load without zod (the provider applies them before its handshake, and the public .d.ts files must not reach zod typings): only the zod modules (rule-schemas.ts, wire-schemas.ts) import zod.',
      severity: 'error',
      from: { path: '^lib/contract/', pathNot: '^lib/contract/(rule-schemas|wire-schemas)\\.ts$' },
      to: { path: '(^|/)node_modules/zod/' },
    },
    {
      name: 'contract-packages',
      comment: 'The contract needs no package but zod: no HTTP (undici), no gRPC, no cdktf.',
      severity: 'error',
      from: { path: '^lib/contract/' },
      to: {
        dependencyTypes: ['npm', 'npm-dev', 'npm-optional', 'npm-peer', 'npm-no-pkg', 'npm-unknown'],
        pathNot: '(^|/)node_modules/zod/',
      },
    },
    {
      name: 'constants-is-a-leaf',
      comment:
        'lib/constants.ts is below the contract: it imports nothing of ours but the attribute names generated from the provider schemas (lib/attributes.generated.ts), which import nothing at all.',
      severity: 'error',
      from: { path: '^lib/(constants|attributes\\.generated)\\.ts$' },
      to: { path: OURS, pathNot: '^lib/attributes\\.generated\\.ts$' },
    },
    {
      name: 'lib-not-tests',
      comment: 'What ships (lib/) never depends on the tests, the benchmarks, the examples or the tools.',
      severity: 'error',
      from: { path: '^lib/' },
      to: { path: '^(test|bench|examples|tools|scripts)/' },
    },
    {
      name: 'shipped-code-not-testing',
      comment:
        'lib/testing is left out of the package (package.json "files"): a shipped module that imported it would fail in users\' installs.',
      severity: 'error',
      from: { path: '^lib/', pathNot: '^lib/testing/' },
      to: { path: '^lib/testing/' },
    },
    {
      name: 'not-to-unresolvable',
      comment: 'An import that resolves nowhere is a typo or a package missing from package.json.',
      severity: 'error',
      from: {},
      to: { couldNotResolve: true },
    },
  ],
  options: {
    doNotFollow: { path: 'node_modules' },
    exclude: { path: ['^dist/', '^test/fork/', '^bench/\\.work/', '(^|/)cdktf\\.out/', '^docs/api/', '^coverage/'] },
    tsPreCompilationDeps: true,
    // node_modules may be a link (a git worktree's): name packages as node_modules/<name>/ either way.
    preserveSymlinks: true,
    tsConfig: { fileName: 'tsconfig.json' },
    enhancedResolveOptions: {
      exportsFields: ['exports'],
      conditionNames: ['require', 'node', 'default', 'types'],
      extensions: ['.ts', '.js', '.cjs', '.json', '.d.ts'],
    },
    reporterOptions: { text: { highlightFocused: true } },
  },
};
