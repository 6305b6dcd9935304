/**
 * The protocol messages as TypeScript sees them, and the gRPC service definitions built from the
 * compiled descriptor of `vendor/proto/*.proto` (`proto/descriptor.ts`).
 *
 * Field names are snake_case exactly as on the wire (`keepCase`); int64 fields read as numbers (no
 * value we exchange comes near 2^53); enums are numbers; repeated fields always arrive as arrays;
 * absent message fields arrive as `undefined`.
 */
import type { DynamicValueBytes } from './codec';
import { timing } from './timing';

// ---- messages (only what we read or write) ----

export type DynamicValue = DynamicValueBytes;

export const SEVERITY = { INVALID: 0, ERROR: 1, WARNING: 2 } as const;

export interface AttributePathStep {
  attribute_name?: string;
  element_key_string?: string;
  element_key_int?: number;
}
export interface AttributePath {
  steps: AttributePathStep[];
}
export interface Diagnostic {
  severity: number;
  summary: string;
  detail: string;
  attribute?: AttributePath;
}

export interface SchemaAttribute {
  name: string;
  type: Buffer;
  description: string;
  required: boolean;
  optional: boolean;
  computed: boolean;
  sensitive: boolean;
  description_kind: number;
  deprecated?: boolean;
  /** Terraform 1.11: the value is sent to the provider in config only, never planned or stored. */
  write_only?: boolean;
}
export interface Schema {
  version: number;
  block: { version: number; attributes: SchemaAttribute[]; description: string; description_kind: number; deprecated?: boolean };
}
export interface ServerCapabilities {
  plan_destroy: boolean;
  get_provider_schema_optional: boolean;
  move_resource_state?: boolean;
}
export interface ClientCapabilities {
  deferral_allowed?: boolean;
  write_only_attributes_allowed?: boolean;
}

/** Every response we send carries diagnostics. */
export interface WithDiagnostics {
  diagnostics?: Diagnostic[];
}

export interface GetMetadataResponse extends WithDiagnostics {
  server_capabilities: ServerCapabilities;
  data_sources: { type_name: string }[];
  resources: { type_name: string }[];
  ephemeral_resources: { type_name: string }[];
}
export interface GetProviderSchemaResponse extends WithDiagnostics {
  provider: Schema;
  resource_schemas: Record<string, Schema>;
  data_source_schemas: Record<string, Schema>;
  ephemeral_resource_schemas: Record<string, Schema>;
  server_capabilities: ServerCapabilities;
}
export interface ValidateProviderConfigRequest {
  config?: DynamicValue;
}
export interface ValidateResourceConfigRequest {
  type_name: string;
  config?: DynamicValue;
  client_capabilities?: ClientCapabilities;
}
export interface ValidateDataResourceConfigRequest {
  type_name: string;
  config?: DynamicValue;
}
export interface UpgradeResourceStateRequest {
  type_name: string;
  version: number;
  raw_state?: { json?: Buffer; flatmap?: Record<string, string> };
}
export interface UpgradeResourceStateResponse extends WithDiagnostics {
  upgraded_state?: DynamicValue;
}
export interface ConfigureProviderRequest {
  terraform_version: string;
  config?: DynamicValue;
  client_capabilities?: ClientCapabilities;
}
export interface ReadResourceRequest {
  type_name: string;
  current_state?: DynamicValue;
  private?: Buffer;
}
export interface ReadResourceResponse extends WithDiagnostics {
  new_state?: DynamicValue;
  private?: Buffer;
}
export interface PlanResourceChangeRequest {
  type_name: string;
  prior_state?: DynamicValue;
  proposed_new_state?: DynamicValue;
  config?: DynamicValue;
  prior_private?: Buffer;
}
export interface PlanResourceChangeResponse extends WithDiagnostics {
  planned_state?: DynamicValue;
  requires_replace?: AttributePath[];
  planned_private?: Buffer;
}
export interface ApplyResourceChangeRequest {
  type_name: string;
  prior_state?: DynamicValue;
  planned_state?: DynamicValue;
  config?: DynamicValue;
  planned_private?: Buffer;
}
export interface ApplyResourceChangeResponse extends WithDiagnostics {
  new_state?: DynamicValue;
  private?: Buffer;
}
export interface ImportResourceStateRequest {
  type_name: string;
  id: string;
}
export interface ImportResourceStateResponse extends WithDiagnostics {
  imported_resources?: { type_name: string; state: DynamicValue; private?: Buffer }[];
}
export interface ReadDataSourceRequest {
  type_name: string;
  config?: DynamicValue;
}
export interface ReadDataSourceResponse extends WithDiagnostics {
  state?: DynamicValue;
}
export interface ValidateEphemeralResourceConfigRequest {
  type_name: string;
  config?: DynamicValue;
}
export interface OpenEphemeralResourceRequest {
  type_name: string;
  config?: DynamicValue;
  client_capabilities?: ClientCapabilities;
}
export interface OpenEphemeralResourceResponse extends WithDiagnostics {
  result?: DynamicValue;
  private?: Buffer;
}
export interface RenewEphemeralResourceRequest {
  type_name: string;
  private?: Buffer;
}
export interface RenewEphemeralResourceResponse extends WithDiagnostics {
  private?: Buffer;
}
export interface CloseEphemeralResourceRequest {
  type_name: string;
  private?: Buffer;
}
export interface StopProviderResponse {
  Error: string;
}

// ---- service definitions ----

/** How messages are read: see the module comment. */
export const CONVERSION_OPTIONS = { longs: Number, enums: Number, defaults: false, arrays: true, oneofs: false } as const;

export const SERVICE_NAMES = {
  provider: 'tfplugin6.Provider',
  controller: 'plugin.GRPCController',
  stdio: 'plugin.GRPCStdio',
  health: 'grpc.health.v1.Health',
} as const;

type ServiceDefinitions = Record<(typeof SERVICE_NAMES)[keyof typeof SERVICE_NAMES], import('@grpc/grpc-js').ServiceDefinition>;

interface DescriptorMethod {
  requestType: string;
  responseType: string;
  requestStream?: boolean;
  responseStream?: boolean;
}
interface DescriptorNamespace {
  nested?: Record<string, DescriptorNamespace>;
  methods?: Record<string, DescriptorMethod>;
}

/**
 * Builds the grpc-js service definitions from the compiled descriptor with `protobufjs/light` (what
 * `@grpc/proto-loader` does, minus its `.proto` parser and descriptor extensions, which cost start-up
 * time we pay on every plugin launch). Call once, at start-up.
 *
 * Only the method table is built here, from the descriptor's plain data: the handshake needs no
 * message type. The protobufjs reflection tree (~10 ms: every message of the protocol, resolved, with
 * generated code that no code cache covers) is built on the first message, or by {@link prepare}
 * once the handshake is out, while Terraform connects.
 */
export function loadServiceDefinitions(): ServiceDefinitions & { prepare(): void } {
  // eslint-disable-next-line @typescript-eslint/no-require-imports -- the descriptor (a large literal) loads when the server starts, not when its types are imported
  const { DESCRIPTOR } = require('./proto/descriptor') as typeof import('./proto/descriptor');
  let root: import('protobufjs').Root | undefined;
  const getRoot = (): import('protobufjs').Root => {
    if (!root) {
      // eslint-disable-next-line @typescript-eslint/no-require-imports -- the reflection tree is built on the first message, after the handshake
      const protobuf = require('protobufjs/light') as typeof import('protobufjs');
      root = protobuf.Root.fromJSON(DESCRIPTOR as protobuf.INamespace);
    }
    return root;
  };
  const codec = (serviceName: string, methodName: string, side: 'request' | 'response') => {
    let type: import('protobufjs').Type | undefined;
    const get = (): import('protobufjs').Type => {
      if (!type) {
        const method = getRoot().lookupService(serviceName).methods[methodName]!;
        method.resolve();
        type = side === 'request' ? method.resolvedRequestType! : method.resolvedResponseType!;
      }
      return type;
    };
    const serialize = (value: object): Buffer => {
      const t = get();
      const bytes = t.encode(t.fromObject(value)).finish();
      return Buffer.from(bytes.buffer, bytes.byteOffset, bytes.byteLength);
    };
    const deserialize = (bytes: Buffer): object => {
      const t = get();
      return t.toObject(t.decode(bytes), CONVERSION_OPTIONS);
    };
    if (!timing) return { serialize, deserialize };
    const hook = timing;
    const part = side === 'request' ? 'decode' : 'encode';
    return {
      serialize: (value: object): Buffer => {
        const started = performance.now();
        const out = serialize(value);
        hook.part(methodName, part, performance.now() - started);
        return out;
      },
      deserialize: (bytes: Buffer): object => {
        const started = performance.now();
        const out = deserialize(bytes);
        hook.part(methodName, part, performance.now() - started);
        return out;
      },
    };
  };
  const out: Partial<ServiceDefinitions> = {};
  for (const name of Object.values(SERVICE_NAMES)) {
    let ns = DESCRIPTOR as DescriptorNamespace;
    for (const part of name.split('.')) ns = ns.nested?.[part] ?? {};
    if (!ns.methods) throw new Error(`the protocol descriptor has no service ${name}`);
    const definition: Record<string, import('@grpc/grpc-js').MethodDefinition<object, object>> = {};
    for (const [methodName, method] of Object.entries(ns.methods)) {
      const request = codec(name, methodName, 'request');
      const response = codec(name, methodName, 'response');
      definition[methodName] = {
        path: `/${name}/${methodName}`,
        requestStream: method.requestStream === true,
        responseStream: method.responseStream === true,
        requestSerialize: request.serialize,
        requestDeserialize: request.deserialize,
        responseSerialize: response.serialize,
        responseDeserialize: response.deserialize,
        originalName: methodName,
      };
    }
    out[name] = definition as import('@grpc/grpc-js').ServiceDefinition;
  }
  return Object.assign(out as ServiceDefinitions, { prepare: (): void => void getRoot() });
}
