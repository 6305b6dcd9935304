import { spawnSync } from 'node:child_process';
import { X509Certificate } from 'node:crypto';
import * as fs from 'node:fs';
import * as path from 'node:path';
import { PassThrough } from 'node:stream';
import * as grpc from '@grpc/grpc-js';
import { createServerCertificate } from '../../lib/provider/cert';
import { loadServiceDefinitions } from '../../lib/provider/protocol';
import { MAGIC_COOKIE_KEY, MAGIC_COOKIE_VALUE, handshakeLine, serve } from '../../lib/provider/server';

const MAIN = path.join(__dirname, '../../dist/lib/provider/main.js');

/** The parts of a GetProviderSchema answer (as grpc-js decodes it) these tests read. */
interface SchemaReply {
  readonly resource_schemas: Record<string, unknown>;
  readonly data_source_schemas: Record<string, unknown>;
  readonly server_capabilities: unknown;
  readonly provider: { readonly block: { readonly attributes: readonly { readonly name: string; readonly sensitive?: boolean }[] } };
}

describe('the provider executable', () => {
  test('GIVEN no magic cookie WHEN the executable runs THEN it exits 1 with a human message and prints nothing on stdout', () => {
    const result = spawnSync(process.execPath, [MAIN], { env: { PATH: process.env.PATH }, encoding: 'utf8' });
    expect(result.status).toBe(1);
    expect(result.stdout).toBe('');
    expect(result.stderr).toMatch(/Terraform provider plugin of mlp-tokens/);
    expect(result.stderr).toMatch(/mlp-tokens mirror/);
  });
});

describe('handshakeLine', () => {
  test('GIVEN a socket path and a DER certificate WHEN the handshake line is made THEN it is core|app|unix|socket|grpc|base64 DER without padding', () => {
    const der = Buffer.from([1, 2, 3, 4]);
    expect(handshakeLine('/tmp/x/plugin.sock', der)).toBe('1|6|unix|/tmp/x/plugin.sock|grpc|AQIDBA');
  });
});

describe('the plugin server (AutoMTLS, in process)', () => {
  test("GIVEN Terraform's client certificate WHEN a client with it connects THEN it gets the schema; Shutdown stops the server and removes the socket", async () => {
    const clientCert = createServerCertificate();
    const stdout = new PassThrough();
    let output = '';
    stdout.on('data', (c: Buffer) => (output += c.toString()));
    let exited: number | undefined;
    let loaded = 0;
    const running = await serve({
      env: { [MAGIC_COOKIE_KEY]: MAGIC_COOKIE_VALUE, PLUGIN_CLIENT_CERT: clientCert.certPem },
      stdout,
      onExit: (code) => (exited = code),
      onProviderLoaded: () => loaded++,
    });
    // The handshake goes out before the provider (resources, codecs) loads.
    expect(loaded).toBe(0);
    const line = output.trim();
    expect(output.split('\n').filter(Boolean)).toHaveLength(1);
    const [core, app, network, socket, protocol, cert] = line.split('|');
    expect([core, app, network, protocol]).toEqual(['1', '6', 'unix', 'grpc']);
    expect(fs.existsSync(socket!)).toBe(true);
    expect(cert).not.toMatch(/=$/);
    const serverPem = new X509Certificate(Buffer.from(cert!, 'base64')).toString();

    try {
      const defs = loadServiceDefinitions();
      const Provider = grpc.makeGenericClientConstructor(defs['tfplugin6.Provider'], 'Provider');
      const Controller = grpc.makeGenericClientConstructor(defs['plugin.GRPCController'], 'GRPCController');
      const creds = grpc.credentials.createSsl(Buffer.from(serverPem), Buffer.from(clientCert.keyPem), Buffer.from(clientCert.certPem));
      const options = { 'grpc.ssl_target_name_override': 'localhost', 'grpc.default_authority': 'localhost' };
      const provider = new Provider(`unix:${socket}`, creds, options) as unknown as Record<
        string,
        (req: object, cb: (err: Error | null, res: unknown) => void) => void
      >;
      const schema = await new Promise<SchemaReply>((resolve, reject) =>
        provider.GetProviderSchema!({}, (err, res) => (err ? reject(err) : resolve(res as SchemaReply))),
      );
      expect(loaded).toBe(1);
      expect(Object.keys(schema.resource_schemas).sort()).toEqual(['mlp_access_token', 'mlp_register_token']);
      expect(Object.keys(schema.data_source_schemas).sort()).toEqual(['mlp_token', 'mlp_tokens']);
      expect(schema.server_capabilities).toEqual({ plan_destroy: true, get_provider_schema_optional: true });
      const token = schema.provider.block.attributes.find((a) => a.name === 'token');
      expect(token?.sensitive).toBe(true);

      // An RPC before ConfigureProvider answers with a diagnostic, never a gRPC error.
      const read = await new Promise<{ diagnostics: { summary: string }[] }>((resolve, reject) =>
        provider.ReadDataSource!({ type_name: 'mlp_token' }, (err, res) =>
          err ? reject(err) : resolve(res as { diagnostics: { summary: string }[] }),
        ),
      );
      expect(read.diagnostics[0].summary).toBe('Provider not configured');

      // A client with another certificate is refused.
      const stranger = createServerCertificate();
      const strangerClient = new Provider(
        `unix:${socket}`,
        grpc.credentials.createSsl(Buffer.from(serverPem), Buffer.from(stranger.keyPem), Buffer.from(stranger.certPem)),
        options,
      ) as unknown as typeof provider;
      await expect(
        new Promise((resolve, reject) => strangerClient.GetProviderSchema!({}, (err, res) => (err ? reject(err) : resolve(res)))),
      ).rejects.toThrow();
      (strangerClient as unknown as grpc.Client).close();

      const controller = new Controller(`unix:${socket}`, creds, options) as unknown as typeof provider;
      await new Promise((resolve, reject) => controller.Shutdown!({}, (err, res) => (err ? reject(err) : resolve(res))));
      for (let i = 0; i < 50 && exited === undefined; i++) await new Promise((r) => setTimeout(r, 20));
      expect(exited).toBe(0);
      expect(fs.existsSync(path.dirname(socket!))).toBe(false);
      (provider as unknown as grpc.Client).close();
      (controller as unknown as grpc.Client).close();
    } finally {
      await running.shutdown();
    }
  });

  test('GIVEN fresh server certificates WHEN inspected THEN each is what Go accepts: CA, localhost, positive minimal serial, server and client auth', () => {
    for (let i = 0; i < 50; i++) {
      const cert = new X509Certificate(createServerCertificate().der);
      expect(cert.ca).toBe(true);
      expect(cert.subjectAltName).toBe('DNS:localhost');
      expect(cert.keyUsage).toEqual(['1.3.6.1.5.5.7.3.1', '1.3.6.1.5.5.7.3.2']);
      expect(cert.serialNumber).toMatch(/^[0-7][0-9A-F]/);
      expect(cert.verify(cert.publicKey)).toBe(true);
    }
  });
});
