import { operationV1 } from '@tradewarden/proto';

// Templates work on the proto JSON form of an item (what OperationItemSpec.toJSON gives: defaults left out), so that
// one piece of code handles the params message of every operation type.

export type Json = string | number | boolean | null | Json[] | JsonObject;
export interface JsonObject {
  [key: string]: Json;
}

export function isJsonObject(value: Json | undefined): value is JsonObject {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}

/** Proto JSON names are lowerCamelCase; request paths (ItemIssue.field) use the proto field names. */
export function snakeCaseOf(jsonName: string): string {
  return jsonName.replace(/[A-Z]/g, (letter) => `_${letter.toLowerCase()}`);
}

export function camelCaseOf(fieldName: string): string {
  return fieldName.replace(/_([a-z0-9])/g, (_match, letter: string) => letter.toUpperCase());
}

/**
 * A spec as gRPC decoded it has null for absent messages and a virtual key naming the oneof case (the transport's
 * proto-loader options); fromPartial turns that into the plain ts-proto form toJSON expects.
 */
export function normalizedSpec(spec: operationV1.OperationItemSpec): operationV1.OperationItemSpec {
  return operationV1.OperationItemSpec.fromPartial(spec);
}

export function specJson(spec: operationV1.OperationItemSpec): JsonObject {
  return operationV1.OperationItemSpec.toJSON(normalizedSpec(spec)) as JsonObject;
}

/** The params message under its snake_case field ("balance_deposit"), as proto JSON; undefined when absent. */
export function paramsJson(spec: operationV1.OperationItemSpec, paramsField: string): JsonObject | undefined {
  const params = specJson(spec)[camelCaseOf(paramsField)];
  return isJsonObject(params) ? params : undefined;
}
