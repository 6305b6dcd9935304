/** The client certificate Terraform would pass in PLUGIN_CLIENT_CERT, generated once per bench run. */
import { createServerCertificate } from '../../lib/provider/cert';

let pem: string | undefined;

export function clientCertPem(): string {
  pem ??= createServerCertificate().certPem;
  return pem;
}

export const MAGIC_COOKIE = 'd602bf8f470bc67ca7faa0386276bbdd4330efaf76d1a219cb4d6991ca9872b2';

/** The environment Terraform gives a provider process. */
export function pluginEnv(socketDir: string): NodeJS.ProcessEnv {
  return {
    ...process.env,
    TF_PLUGIN_MAGIC_COOKIE: MAGIC_COOKIE,
    PLUGIN_PROTOCOL_VERSIONS: '6',
    PLUGIN_CLIENT_CERT: clientCertPem(),
    PLUGIN_UNIX_SOCKET_DIR: socketDir,
  };
}
