/**
 * examples/ci/gitlab-ci.yml, run job by job (test/e2e/support/pipeline.ts) against the emulator and a
 * PostgreSQL state: the scenarios are in support/pipeline-scenarios.ts; the stubs (what only GitLab
 * can do) are listed here.
 */
import * as path from 'node:path';
import { runGitlabPipeline } from '../support/pipeline';
import { pipelineScenarios } from '../support/pipeline-scenarios';

jest.setTimeout(120_000);

const PIPELINE = path.resolve(__dirname, '..', '..', '..', 'examples', 'ci', 'gitlab-ci.yml');
const EVENTS = {
  'change request': { source: 'merge_request_event', branch: '', defaultBranch: 'main' },
  'push to main': { source: 'push', branch: 'main', defaultBranch: 'main' },
  nightly: { source: 'schedule', branch: 'main', defaultBranch: 'main' },
} as const;

pipelineScenarios({
  label: 'gitlab-ci',
  run: (event, ctx) => runGitlabPipeline(PIPELINE, EVENTS[event], ctx),
  jobs: { 'change request': ['plan'], 'push to main': ['plan', 'apply'], nightly: ['rotate'] },
  stubs: [
    "all jobs: image node:22-bookworm (this machine's node and terraform are used)",
    'plan: resource_group tokens-state (jobs run one at a time here)',
    'plan: checkout (GitLab clones the project)',
    'plan: artifacts plan.tfplan kept',
    'apply: when: manual (the test starts it, as an approver would)',
    'apply: environment "tokens"',
    'apply: resource_group tokens-state (jobs run one at a time here)',
    'apply: checkout (GitLab clones the project)',
    'apply: artifacts of plan restored',
    'rotate: environment "tokens-nightly"',
    'rotate: resource_group tokens-state (jobs run one at a time here)',
    'rotate: checkout (GitLab clones the project)',
  ],
});
