/**
 * The `tfplugin6.Provider` service: decodes each request against the right schema, calls the
 * resource or data source handler, encodes the answer. Handlers never see protocol messages, and
 * this module never makes a decision about tokens.
 */
import type * as grpc from '@grpc/grpc-js';
import { ProviderApi } from './api';
import { ApiClock, type Clock } from './clock';
import { type ObjectValue, conformJson, decodeDynamic, encodeDynamic, UNKNOWN } from './codec';
import { providerSchema, validateProviderConfig, type ProviderSettings } from './config';
import { configure, providerConfigOf } from './configure';
import { type Diagnostic, DiagnosticError, Diagnostics, diag } from './diagnostics';
import type { DataSourceHandler, EphemeralResourceHandler, HandlerContext, ResourceHandler } from './handler';
import { log } from './log';
import type * as proto from './protocol';
import { type Registered, decodeNullable, decodeObject, encodeState, register, registerSecrets } from './registered';
import { type Reply, unary } from './rpc';
import { objectTypeOf, toProtoSchema, validateConfig } from './schema';
import { secretsDiag } from './secrets-diagnostics';
import { SEALED_VALUE, isSealable, planSealing, sealCreated } from './sealing';

export interface ProviderOptions {
  readonly resources: readonly ResourceHandler[];
  readonly dataSources: readonly DataSourceHandler[];
  /** Ephemeral resources (Terraform 1.10+). @default none */
  readonly ephemeralResources?: readonly EphemeralResourceHandler[];
  /** @default the API's clock (the client's view of the `Date` header) */
  readonly clock?: Clock;
  /** Builds the API access from the settings. @default {@link ProviderApi} */
  readonly api?: (settings: ProviderSettings) => ProviderApi;
  readonly env?: NodeJS.ProcessEnv;
  /**
   * Called once, before the first API call of the process (the code-cache loader loads the client
   * and tunes V8 then; wired in main.ts, so the RPC core knows nothing of the loader).
   */
  readonly beforeFirstApiCall?: () => void;
}

export const SERVER_CAPABILITIES: proto.ServerCapabilities = { plan_destroy: true, get_provider_schema_optional: true };

export class Provider {
  readonly #resources = new Map<string, Registered<ResourceHandler>>();
  readonly #dataSources = new Map<string, Registered<DataSourceHandler>>();
  readonly #ephemeral = new Map<string, Registered<EphemeralResourceHandler>>();
  readonly #providerType = objectTypeOf(providerSchema);
  readonly #makeApi: (settings: ProviderSettings) => ProviderApi;
  readonly #env: NodeJS.ProcessEnv;
  #api: ProviderApi | undefined;
  readonly clock: Clock;
  #schemaCache: Reply<proto.GetProviderSchemaResponse> | undefined;
  #readyForApi = false;
  readonly #beforeFirstApiCall: (() => void) | undefined;

  constructor(options: ProviderOptions) {
    for (const handler of options.resources) this.#resources.set(handler.typeName, register(handler));
    for (const handler of options.dataSources) this.#dataSources.set(handler.typeName, register(handler));
    for (const handler of options.ephemeralResources ?? []) this.#ephemeral.set(handler.typeName, register(handler));
    this.#makeApi = options.api ?? ((settings) => new ProviderApi(settings));
    this.#env = options.env ?? process.env;
    this.#beforeFirstApiCall = options.beforeFirstApiCall;
    this.clock = options.clock ?? new ApiClock(() => this.#api?.timeSource());
  }

  // ---- information ----

  getMetadata(): Reply<proto.GetMetadataResponse> {
    return {
      server_capabilities: SERVER_CAPABILITIES,
      resources: [...this.#resources.keys()].map((type_name) => ({ type_name })),
      data_sources: [...this.#dataSources.keys()].map((type_name) => ({ type_name })),
      ephemeral_resources: [...this.#ephemeral.keys()].map((type_name) => ({ type_name })),
    };
  }

  getProviderSchema(): Reply<proto.GetProviderSchemaResponse> {
    this.#schemaCache ??= {
      provider: toProtoSchema(providerSchema),
      resource_schemas: Object.fromEntries([...this.#resources].map(([name, r]) => [name, toProtoSchema(r.handler.schema)])),
      data_source_schemas: Object.fromEntries([...this.#dataSources].map(([name, d]) => [name, toProtoSchema(d.handler.schema)])),
      ephemeral_resource_schemas: Object.fromEntries([...this.#ephemeral].map(([name, e]) => [name, toProtoSchema(e.handler.schema)])),
      server_capabilities: SERVER_CAPABILITIES,
    };
    return this.#schemaCache;
  }

  // ---- provider configuration ----

  validateProviderConfig(req: proto.ValidateProviderConfigRequest): Reply<proto.WithDiagnostics> {
    const config = this.#decodeProviderConfig(req.config);
    return { diagnostics: validateProviderConfig(config) };
  }

  configureProvider(req: proto.ConfigureProviderRequest): Reply<proto.WithDiagnostics> {
    const { diagnostics: problems, settings } = configure(this.#decodeProviderConfig(req.config), this.#env);
    if (!settings) return { diagnostics: problems };
    void this.#api?.close();
    this.#api = this.#makeApi(settings);
    log(
      'debug',
      `configured: endpoint ${settings.endpoint}, token ${settings.token ? 'set' : 'not set'}, timeout ${settings.requestTimeoutMs} ms, retries ${settings.maxRetries}${settings.unknown.length ? `, unknown: ${settings.unknown.join(', ')}` : ''}`,
    );
    return { diagnostics: problems };
  }

  // ---- resources ----

  validateResourceConfig(req: proto.ValidateResourceConfigRequest): Reply<proto.WithDiagnostics> {
    const r = this.#resource(req.type_name);
    const config = decodeObject(r, req.config);
    const diagnostics = new Diagnostics();
    // A client that does not announce write-only attributes (Terraform < 1.11) would store the
    // value in the state like any other: refuse before anything is planned.
    if (req.client_capabilities?.write_only_attributes_allowed !== true) {
      for (const name of r.writeOnly)
        if (config[name] !== null && config[name] !== undefined) diagnostics.add(secretsDiag.writeOnlyNotSupported(name, req.type_name));
    }
    validateConfig(r.handler.schema, config, diagnostics);
    return { diagnostics: diagnostics.items };
  }

  upgradeResourceState(req: proto.UpgradeResourceStateRequest): Reply<proto.UpgradeResourceStateResponse> {
    const r = this.#resource(req.type_name);
    const current = r.handler.schema.version;
    if (req.version > current) throw new DiagnosticError(diag.unsupportedStateVersion(req.type_name, req.version, current));
    const json = req.raw_state?.json;
    if (!json || json.length === 0) {
      if (req.raw_state?.flatmap && Object.keys(req.raw_state.flatmap).length > 0)
        throw new DiagnosticError(diag.legacyFlatmapState(req.type_name));
      return { upgraded_state: encodeDynamic(null, r.type) };
    }
    const diagnostics = new Diagnostics();
    const stored = JSON.parse(Buffer.from(json).toString('utf8')) as Record<string, unknown>;
    const upgraded =
      req.version === current
        ? (conformJson(stored, r.type) as ObjectValue)
        : r.handler.upgrade(Number(req.version), stored, { diagnostics });
    registerSecrets(r, upgraded);
    return { upgraded_state: encodeState(r, upgraded), diagnostics: diagnostics.items };
  }

  async readResource(req: proto.ReadResourceRequest): Promise<Reply<proto.ReadResourceResponse>> {
    const r = this.#resource(req.type_name);
    const state = decodeObject(r, req.current_state);
    const ctx = this.#context('read');
    const next = await r.handler.read(state, ctx);
    return { new_state: encodeState(r, next), private: req.private, diagnostics: ctx.diagnostics.items };
  }

  async planResourceChange(req: proto.PlanResourceChangeRequest): Promise<Reply<proto.PlanResourceChangeResponse>> {
    const r = this.#resource(req.type_name);
    const prior = decodeNullable(r, req.prior_state);
    const proposed = decodeNullable(r, req.proposed_new_state);
    if (proposed === null) {
      // Destroy: nothing to decide (deletion itself is forgiving), but a destroy the credentials
      // cannot carry out fails here, at plan, rather than halfway through the apply.
      const ctx = this.#context('plan');
      if (prior !== null) await r.handler.planDestroy(prior, ctx);
      return { planned_state: encodeDynamic(null, r.type), planned_private: req.prior_private, diagnostics: ctx.diagnostics.items };
    }
    const config = decodeObject(r, req.config);
    const ctx = this.#context('plan');
    const result = await r.handler.plan({ prior, proposed, config }, ctx);
    const replaces = prior !== null && result.requiresReplace.length > 0;
    const planned = isSealable(r.handler.schema)
      ? planSealing(prior, result.planned, replaces || result.reissues === true, ctx.diagnostics)
      : result.planned;
    return {
      planned_state: encodeState(r, planned),
      requires_replace: prior === null ? [] : result.requiresReplace.map((name) => ({ steps: [{ attribute_name: name }] })),
      planned_private: req.prior_private,
      diagnostics: ctx.diagnostics.items,
    };
  }

  async applyResourceChange(req: proto.ApplyResourceChangeRequest): Promise<Reply<proto.ApplyResourceChangeResponse>> {
    const r = this.#resource(req.type_name);
    const prior = decodeNullable(r, req.prior_state);
    const planned = decodeNullable(r, req.planned_state);
    const config = decodeNullable(r, req.config) ?? {};
    const ctx = this.#context('apply');
    let next: ObjectValue | null;
    if (planned === null) {
      if (prior !== null) await r.handler.delete(prior, ctx);
      next = null;
    } else if (prior === null) {
      next = await r.handler.create({ prior, planned, config }, ctx);
      // Sealed the moment it exists: the value never reaches the state unsealed.
      if (next && isSealable(r.handler.schema)) next = await sealCreated(next, ctx.diagnostics);
    } else {
      next = await r.handler.update({ prior, planned, config }, ctx);
      // A secret made in place (a re-issue) is sealed as at create: planned unknown means a new one.
      if (next && isSealable(r.handler.schema) && planned[SEALED_VALUE] === UNKNOWN) next = await sealCreated(next, ctx.diagnostics);
    }
    if (next) registerSecrets(r, next);
    return { new_state: encodeState(r, next), diagnostics: ctx.diagnostics.items };
  }

  /** When apply throws, Terraform keeps what existed before: the prior state (null for a create). */
  applyFallback(req: proto.ApplyResourceChangeRequest): Omit<proto.ApplyResourceChangeResponse, 'diagnostics'> {
    const r = this.#resources.get(req.type_name);
    if (!r) return {};
    return { new_state: encodeDynamic(decodeNullable(r, req.prior_state), r.type) };
  }

  /** When read throws, the state stays as it was. */
  readFallback(req: proto.ReadResourceRequest): Omit<proto.ReadResourceResponse, 'diagnostics'> {
    return { new_state: req.current_state, private: req.private };
  }

  async importResourceState(req: proto.ImportResourceStateRequest): Promise<Reply<proto.ImportResourceStateResponse>> {
    const r = this.#resource(req.type_name);
    const ctx = this.#context('import');
    const state = await r.handler.import(req.id, ctx);
    registerSecrets(r, state);
    return {
      imported_resources: [{ type_name: req.type_name, state: encodeState(r, state) }],
      diagnostics: ctx.diagnostics.items,
    };
  }

  // ---- data sources ----

  validateDataResourceConfig(req: proto.ValidateDataResourceConfigRequest): Reply<proto.WithDiagnostics> {
    const d = this.#dataSource(req.type_name);
    const config = decodeObject(d, req.config);
    const diagnostics = new Diagnostics();
    validateConfig(d.handler.schema, config, diagnostics);
    return { diagnostics: diagnostics.items };
  }

  async readDataSource(req: proto.ReadDataSourceRequest): Promise<Reply<proto.ReadDataSourceResponse>> {
    const d = this.#dataSource(req.type_name);
    const config = decodeObject(d, req.config);
    const ctx = this.#context('read data source');
    const state = await d.handler.read(config, ctx);
    registerSecrets(d, state);
    return { state: encodeDynamic(state, d.type), diagnostics: ctx.diagnostics.items };
  }

  // ---- ephemeral resources ----

  validateEphemeralResourceConfig(req: proto.ValidateEphemeralResourceConfigRequest): Reply<proto.WithDiagnostics> {
    const e = this.#ephemeralResource(req.type_name);
    const config = decodeObject(e, req.config);
    const diagnostics = new Diagnostics();
    validateConfig(e.handler.schema, config, diagnostics);
    return { diagnostics: diagnostics.items };
  }

  async openEphemeralResource(req: proto.OpenEphemeralResourceRequest): Promise<Reply<proto.OpenEphemeralResourceResponse>> {
    const e = this.#ephemeralResource(req.type_name);
    const config = decodeObject(e, req.config);
    // Terraform opens only with a wholly known configuration; validation runs again, since an
    // unknown ttl at validate time was not checked then.
    const diagnostics = new Diagnostics();
    validateConfig(e.handler.schema, config, diagnostics);
    if (diagnostics.hasErrors) return { diagnostics: diagnostics.items };
    const ctx = this.#context('open');
    const opened = await e.handler.open(config, ctx);
    registerSecrets(e, opened.result);
    return {
      result: encodeDynamic(opened.result, e.type),
      private: opened.private,
      diagnostics: [...diagnostics.items, ...ctx.diagnostics.items],
    };
  }

  async renewEphemeralResource(req: proto.RenewEphemeralResourceRequest): Promise<Reply<proto.RenewEphemeralResourceResponse>> {
    const e = this.#ephemeralResource(req.type_name);
    const ctx = this.#context('renew');
    const priv = await e.handler.renew(req.private, ctx);
    return { private: priv, diagnostics: ctx.diagnostics.items };
  }

  async closeEphemeralResource(req: proto.CloseEphemeralResourceRequest): Promise<Reply<proto.WithDiagnostics>> {
    const e = this.#ephemeralResource(req.type_name);
    const ctx = this.#context('close');
    await e.handler.close(req.private, ctx);
    return { diagnostics: ctx.diagnostics.items };
  }

  // ---- lifecycle ----

  async stop(): Promise<void> {
    await this.#api?.close();
  }

  /** The grpc-js implementation of `tfplugin6.Provider`, every method behind the RPC wrapper. */
  service(): grpc.UntypedServiceImplementation {
    return {
      GetMetadata: unary('GetMetadata', () => this.getMetadata()),
      GetProviderSchema: unary('GetProviderSchema', () => this.getProviderSchema()),
      ValidateProviderConfig: unary('ValidateProviderConfig', (req: proto.ValidateProviderConfigRequest) =>
        this.validateProviderConfig(req),
      ),
      ValidateResourceConfig: unary('ValidateResourceConfig', (req: proto.ValidateResourceConfigRequest) =>
        this.validateResourceConfig(req),
      ),
      ValidateDataResourceConfig: unary('ValidateDataResourceConfig', (req: proto.ValidateDataResourceConfigRequest) =>
        this.validateDataResourceConfig(req),
      ),
      UpgradeResourceState: unary('UpgradeResourceState', (req: proto.UpgradeResourceStateRequest) => this.upgradeResourceState(req)),
      GetResourceIdentitySchemas: unary('GetResourceIdentitySchemas', () => ({})),
      ConfigureProvider: unary('ConfigureProvider', (req: proto.ConfigureProviderRequest) => this.configureProvider(req)),
      ReadResource: unary(
        'ReadResource',
        (req: proto.ReadResourceRequest) => this.readResource(req),
        (req) => this.readFallback(req),
      ),
      PlanResourceChange: unary('PlanResourceChange', (req: proto.PlanResourceChangeRequest) => this.planResourceChange(req)),
      ApplyResourceChange: unary(
        'ApplyResourceChange',
        (req: proto.ApplyResourceChangeRequest) => this.applyResourceChange(req),
        (req) => this.applyFallback(req),
      ),
      ImportResourceState: unary('ImportResourceState', (req: proto.ImportResourceStateRequest) => this.importResourceState(req)),
      ReadDataSource: unary('ReadDataSource', (req: proto.ReadDataSourceRequest) => this.readDataSource(req)),
      ValidateEphemeralResourceConfig: unary('ValidateEphemeralResourceConfig', (req: proto.ValidateEphemeralResourceConfigRequest) =>
        this.validateEphemeralResourceConfig(req),
      ),
      OpenEphemeralResource: unary('OpenEphemeralResource', (req: proto.OpenEphemeralResourceRequest) => this.openEphemeralResource(req)),
      RenewEphemeralResource: unary(
        'RenewEphemeralResource',
        (req: proto.RenewEphemeralResourceRequest) => this.renewEphemeralResource(req),
        (req) => ({ private: req.private }),
      ),
      CloseEphemeralResource: unary('CloseEphemeralResource', (req: proto.CloseEphemeralResourceRequest) =>
        this.closeEphemeralResource(req),
      ),
      GetFunctions: unary('GetFunctions', () => ({})),
      StopProvider: (_call: unknown, callback: (err: null, res: proto.StopProviderResponse) => void) => {
        // Calls in flight finish on their own deadlines; there is nothing long-running to cancel.
        callback(null, { Error: '' });
      },
    };
  }

  // ---- helpers ----

  #context(phase: string): HandlerContext {
    const api = this.#api;
    if (!api) throw new DiagnosticError(diag.providerNotConfigured(phase));
    if (!this.#readyForApi) {
      this.#readyForApi = true;
      this.#beforeFirstApiCall?.();
    }
    return { clock: this.clock, api, diagnostics: new Diagnostics(), log: (line) => log('debug', line) };
  }

  #resource(typeName: string): Registered<ResourceHandler> {
    const r = this.#resources.get(typeName);
    if (!r) throw new DiagnosticError(diag.unknownType('resource', typeName));
    return r;
  }

  #dataSource(typeName: string): Registered<DataSourceHandler> {
    const d = this.#dataSources.get(typeName);
    if (!d) throw new DiagnosticError(diag.unknownType('data source', typeName));
    return d;
  }

  #ephemeralResource(typeName: string): Registered<EphemeralResourceHandler> {
    const e = this.#ephemeral.get(typeName);
    if (!e) throw new DiagnosticError(diag.unknownType('ephemeral resource', typeName));
    return e;
  }

  #decodeProviderConfig(dv: proto.DynamicValue | undefined): ObjectValue {
    return providerConfigOf(decodeDynamic(dv, this.#providerType));
  }
}

export type { Diagnostic };
