import { ApiProperty, ApiPropertyOptions, OpenAPIObject } from '@nestjs/swagger';

/** The name under which DocumentBuilder.addBearerAuth() registers the bearer scheme. */
export const BEARER_SCHEME = 'bearer';

const METHODS = ['get', 'put', 'post', 'delete', 'options', 'head', 'patch', 'trace'] as const;

/** Schema name (the class name, as @nestjs/swagger names it) -> properties that hold a target. */
const TARGET_PROPERTIES = new Map<string, Set<string>>();

/**
 * A response property that carries a target (a limb, for NCT02286011). Its schema is given the
 * trial file's target ids as an enum when the document is built, so that the interface's types
 * name them; only the responses that really reveal an allocation use it.
 */
export function ApiTargetProperty(options: ApiPropertyOptions = {}): PropertyDecorator {
  const apiProperty = ApiProperty(options);
  return (target, key) => {
    const schema = target.constructor.name;
    const properties = TARGET_PROPERTIES.get(schema) ?? new Set<string>();
    properties.add(String(key));
    TARGET_PROPERTIES.set(schema, properties);
    apiProperty(target, key);
  };
}

/**
 * The document-wide conventions that no decorator expresses:
 * - every operation is secured by the bearer scheme unless it is public, which says so with an
 *   explicit empty `security` (deny by default, as the global guard does);
 * - target properties list the trial's target ids.
 */
export function withDocumentConventions(
  document: OpenAPIObject,
  targetIds: readonly string[],
): OpenAPIObject {
  document.security = [{ [BEARER_SCHEME]: [] }];
  for (const path of Object.values(document.paths)) {
    for (const method of METHODS) {
      const operation = path[method];
      if (!operation) continue;
      const roles = (operation as { 'x-roles'?: unknown })['x-roles'];
      if (Array.isArray(roles) && roles.includes('public')) operation.security = [];
    }
  }
  const schemas = document.components?.schemas ?? {};
  for (const [schemaName, properties] of TARGET_PROPERTIES) {
    const schema = schemas[schemaName];
    if (!schema || '$ref' in schema) continue;
    for (const property of properties) {
      const propertySchema = schema.properties?.[property];
      if (!propertySchema || '$ref' in propertySchema) continue;
      propertySchema.enum = propertySchema.nullable ? [...targetIds, null] : [...targetIds];
    }
  }
  return document;
}
