/**
 * `mlp-tokens`: the command plain-Terraform users run to install our provider without a registry.
 *
 *   mlp-tokens mirror DIR                      lays DIR/terraform.d/plugins/... out (the implied local mirror)
 *   mlp-tokens mirror DIR --filesystem-mirror  lays DIR/<host>/... out for a provider_installation block
 */
import { Command } from 'commander';
import {
  installProvider,
  layoutFilesystemMirror,
  layoutProviderMirror,
  providerInstallationHcl,
  requiredProvidersHcl,
  terraformPlatform,
} from '../install/mirror';
import { PACKAGE_VERSION, PROVIDER_SOURCE } from '../constants';

/** Builds the command line program; `main` runs it. Separate so tests can drive it with `parseAsync`. */
export function buildProgram(print: (text: string) => void = (t) => process.stdout.write(`${t}\n`)): Command {
  const program = new Command('mlp-tokens')
    .description('Tools for the mlp-tokens Terraform provider (VK Cloud ML Platform API tokens).')
    .version(PACKAGE_VERSION);

  program
    .command('mirror')
    .description('Lay the mlp provider out in DIR so `terraform init` finds it without a registry.')
    .argument('<dir>', 'your Terraform working directory (or, with --filesystem-mirror, the mirror directory)')
    .option('--filesystem-mirror', 'lay out a filesystem_mirror directory for a CLI config with a provider_installation block')
    .option('--platform <os_arch>', 'Terraform platform to lay out', terraformPlatform())
    .option('--no-lock', 'do not write the provider hash into DIR/.terraform.lock.hcl')
    .action((dir: string, opts: { filesystemMirror?: boolean; platform: string; lock: boolean }) => {
      if (opts.filesystemMirror) {
        const layout = layoutFilesystemMirror(dir, { platform: opts.platform });
        print(`Laid out ${PROVIDER_SOURCE} in the filesystem mirror ${layout.archive}`);
        print(`\nAdd this to your Terraform CLI configuration (TF_CLI_CONFIG_FILE or ~/.terraformrc):\n\n${providerInstallationHcl(dir)}`);
      } else if (opts.lock) {
        const layout = installProvider(dir, { platform: opts.platform });
        print(`Laid out ${PROVIDER_SOURCE} in ${layout.archive}`);
        print(`Recorded its hash (${layout.hash}) in ${layout.lockFile}`);
      } else {
        const layout = layoutProviderMirror(dir, { platform: opts.platform });
        print(`Laid out ${PROVIDER_SOURCE} in ${layout.archive}`);
      }
      print(`\nDeclare the provider in your configuration:\n\n${requiredProvidersHcl()}`);
    });
  return program;
}

/** Entry point of `bin/mlp-tokens.js`. */
export async function main(argv: readonly string[] = process.argv): Promise<void> {
  try {
    await buildProgram().parseAsync([...argv]);
  } catch (error) {
    process.stderr.write(`mlp-tokens: ${error instanceof Error ? error.message : String(error)}\n`);
    process.exitCode = 1;
  }
}
