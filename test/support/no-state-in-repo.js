/**
 * Jest global teardown: fails the run when any test left a Terraform state file in the repository
 * root. State files hold token values; whatever wrote one there must work in its own temp directory
 * (cdktf's default local backend writes `terraform.<stack>.tfstate` into the working directory).
 */
const fs = require('node:fs');
const path = require('node:path');

module.exports = async function noStateInRepo() {
  const root = path.resolve(__dirname, '../..');
  const found = fs.readdirSync(root).filter((f) => /^terraform.*\.tfstate/.test(f));
  if (found.length > 0) {
    for (const f of found) fs.rmSync(path.join(root, f), { force: true });
    throw new Error(
      `a test wrote Terraform state (token values) into the repository root: ${found.join(', ')} (removed); run Terraform and cdktf apps in a temp directory`,
    );
  }
};
