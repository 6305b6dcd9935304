/**
 * examples/ci/github-actions.yml, run step by step (test/e2e/support/pipeline.ts) against the emulator
 * and a PostgreSQL state: the scenarios are in support/pipeline-scenarios.ts; the stubs (what only
 * GitHub can do) are listed here.
 */
import * as path from 'node:path';
import { runGithubWorkflow } from '../support/pipeline';
import { pipelineScenarios } from '../support/pipeline-scenarios';

jest.setTimeout(120_000);

const WORKFLOW = path.resolve(__dirname, '..', '..', '..', 'examples', 'ci', 'github-actions.yml');
const EVENTS = {
  'change request': { name: 'pull_request', ref: 'refs/pull/7/merge' },
  'push to main': { name: 'push', ref: 'refs/heads/main' },
  nightly: { name: 'schedule', ref: 'refs/heads/main' },
} as const;

pipelineScenarios({
  label: 'github-actions',
  run: (event, ctx) => runGithubWorkflow(WORKFLOW, EVENTS[event], ctx),
  jobs: { 'change request': ['plan'], 'push to main': ['plan', 'apply'], nightly: ['rotate'] },
  stubs: [
    'plan: actions/checkout',
    'plan: actions/setup-node',
    'plan: hashicorp/setup-terraform',
    'plan: actions/upload-artifact',
    'apply: environment "tokens" (approval: the test approves by running the job)',
    'apply: actions/checkout',
    'apply: actions/setup-node',
    'apply: hashicorp/setup-terraform',
    'apply: actions/download-artifact',
    'rotate: environment "tokens-nightly" (approval: the test approves by running the job)',
    'rotate: actions/checkout',
    'rotate: actions/setup-node',
    'rotate: hashicorp/setup-terraform',
  ],
});
