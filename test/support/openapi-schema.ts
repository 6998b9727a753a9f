/**
 * A checker for the subset of OpenAPI 3.0 schemas that @nestjs/swagger emits here (type,
 * properties, required, items, enum, nullable, allOf, $ref, numeric and length bounds, pattern),
 * so that the tests can hold every answer of the API to its documented schema. Stricter than
 * JSON Schema on one point, on purpose: an object schema that lists `properties` and says nothing
 * of `additionalProperties` is closed, so that an undocumented field (a limb in a blinded answer)
 * is reported instead of passing silently.
 */

export interface Schema {
  $ref?: string;
  type?: string;
  properties?: Record<string, Schema>;
  required?: string[];
  additionalProperties?: boolean | Schema;
  items?: Schema;
  enum?: unknown[];
  nullable?: boolean;
  allOf?: Schema[];
  minimum?: number;
  maximum?: number;
  minLength?: number;
  maxLength?: number;
  minItems?: number;
  maxItems?: number;
  pattern?: string;
}

export type SchemaResolver = (ref: string) => Schema;

/** Resolves `#/components/schemas/X` in a document. */
export function resolverFor(document: {
  components?: { schemas?: Record<string, unknown> };
}): SchemaResolver {
  return (ref) => {
    const name = /^#\/components\/schemas\/([^/]+)$/.exec(ref)?.[1];
    const schema = name === undefined ? undefined : document.components?.schemas?.[name];
    if (!schema) throw new Error(`unresolved $ref ${ref}`);
    return schema;
  };
}

function typeProblem(value: unknown, type: string): string | undefined {
  const ok =
    type === 'integer'
      ? Number.isInteger(value)
      : type === 'number'
        ? typeof value === 'number' && Number.isFinite(value)
        : type === 'array'
          ? Array.isArray(value)
          : type === 'object'
            ? typeof value === 'object' && value !== null && !Array.isArray(value)
            : typeof value === type;
  return ok ? undefined : `expected ${type}, got ${JSON.stringify(value)}`;
}

/** Every way `value` departs from `schema`, each prefixed by where (`$.a[0].b`); empty if none. */
export function schemaProblems(
  value: unknown,
  schema: Schema,
  resolve: SchemaResolver,
  at = '$',
): string[] {
  if (schema.$ref) return schemaProblems(value, resolve(schema.$ref), resolve, at);
  if (value === null) {
    return schema.nullable || schema.enum?.includes(null) ? [] : [`${at}: null is not allowed`];
  }
  const problems: string[] = [];
  for (const part of schema.allOf ?? []) problems.push(...schemaProblems(value, part, resolve, at));
  if (schema.enum && !schema.enum.includes(value)) {
    problems.push(`${at}: ${JSON.stringify(value)} is not one of ${JSON.stringify(schema.enum)}`);
  }
  const wrongType = schema.type ? typeProblem(value, schema.type) : undefined;
  if (wrongType) return [...problems, `${at}: ${wrongType}`];
  if (typeof value === 'number') {
    if (schema.minimum !== undefined && value < schema.minimum)
      problems.push(`${at}: ${value} < minimum ${schema.minimum}`);
    if (schema.maximum !== undefined && value > schema.maximum)
      problems.push(`${at}: ${value} > maximum ${schema.maximum}`);
  }
  if (typeof value === 'string') {
    if (schema.minLength !== undefined && value.length < schema.minLength)
      problems.push(`${at}: shorter than ${schema.minLength}`);
    if (schema.maxLength !== undefined && value.length > schema.maxLength)
      problems.push(`${at}: longer than ${schema.maxLength}`);
    if (schema.pattern !== undefined && !new RegExp(schema.pattern).test(value))
      problems.push(`${at}: does not match ${schema.pattern}`);
  }
  if (Array.isArray(value)) {
    if (schema.minItems !== undefined && value.length < schema.minItems)
      problems.push(`${at}: fewer than ${schema.minItems} items`);
    if (schema.maxItems !== undefined && value.length > schema.maxItems)
      problems.push(`${at}: more than ${schema.maxItems} items`);
    if (schema.items) {
      const items = schema.items;
      value.forEach((item, index) =>
        problems.push(...schemaProblems(item, items, resolve, `${at}[${index}]`)),
      );
    }
  }
  if (typeof value === 'object' && !Array.isArray(value) && schema.properties) {
    const record = value as Record<string, unknown>;
    for (const name of schema.required ?? []) {
      if (!(name in record)) problems.push(`${at}.${name}: required, missing`);
    }
    for (const [name, item] of Object.entries(record)) {
      const property = schema.properties[name];
      if (property) problems.push(...schemaProblems(item, property, resolve, `${at}.${name}`));
      else if (schema.additionalProperties === undefined || schema.additionalProperties === false)
        problems.push(`${at}.${name}: not in the schema`);
      else if (typeof schema.additionalProperties === 'object')
        problems.push(
          ...schemaProblems(item, schema.additionalProperties, resolve, `${at}.${name}`),
        );
    }
  }
  return problems;
}
