// Tool definitions whose handlers receive typed arguments: the type follows from the JSON schema the registry
// validates calls against (with ajv), so the schema is written once and a handler reading a field the schema does
// not declare fails to compile.

import type { JsonSchemaObject } from '../model/types';
import type { ForcedApproval, ProposedFileChange, ToolDefinition, ToolInvocationContext } from './toolRegistry';

/**
 * The values a JSON schema accepts, as a TypeScript type, for the keywords tool parameters use: `type` (object,
 * array, string, integer, number, boolean), `properties`, `required`, `items` and `enum`. Other keywords (`minimum`,
 * `oneOf`, ...) narrow what ajv accepts without changing the type.
 */
export type FromSchema<S> = S extends { enum: readonly (infer E)[] }
  ? E
  : S extends { type: 'object' }
    ? ObjectFromSchema<S>
    : S extends { type: 'array'; items: infer I }
      ? FromSchema<I>[]
      : S extends { type: 'string' }
        ? string
        : S extends { type: 'integer' | 'number' }
          ? number
          : S extends { type: 'boolean' }
            ? boolean
            : unknown;

type RequiredKeys<S> = S extends { required: readonly (infer K)[] } ? K : never;

type ObjectFromSchema<S> = S extends { properties: infer P }
  ? Flatten<
      { [K in keyof P as K extends RequiredKeys<S> ? K : never]: FromSchema<P[K]> } & {
        [K in keyof P as K extends RequiredKeys<S> ? never : K]?: FromSchema<P[K]>;
      }
    >
  : Record<string, unknown>;

type Flatten<T> = { [K in keyof T]: T[K] };

/** A tool definition whose hooks get the arguments its `parameters` schema describes. */
export interface TypedToolDefinition<S extends JsonSchemaObject> extends Omit<
  ToolDefinition,
  'parameters' | 'invoke' | 'approvalFor' | 'describeCall' | 'proposeChange'
> {
  parameters: S;
  invoke(args: FromSchema<S>, context: ToolInvocationContext): Promise<string>;
  approvalFor?(args: FromSchema<S>): Promise<ForcedApproval | undefined>;
  describeCall?(args: FromSchema<S>): string | undefined;
  proposeChange?(args: FromSchema<S>): Promise<ProposedFileChange>;
}

/**
 * A tool whose handlers read typed arguments. Sound because the registry calls `invoke`, `approvalFor`,
 * `describeCall` and `proposeChange` only with arguments that passed ajv's check against `parameters`.
 */
export function defineTool<const S extends JsonSchemaObject>(definition: TypedToolDefinition<S>): ToolDefinition {
  return definition;
}
