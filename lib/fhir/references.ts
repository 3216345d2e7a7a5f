/**
 * Finding and resolving references between resources: the one place import (which stores
 * references as relative "Type/id") and export (which rewrites them to the bundle's urn:uuid
 * fullUrls) agree on what a reference points to.
 */

/** Calls `visit` with every object carrying a string `reference` (a Reference element), anywhere in `value`. */
export function forEachReference(
  value: unknown,
  visit: (reference: { reference: string }, path: string) => void,
  path = "",
): void {
  if (Array.isArray(value)) {
    value.forEach((item, i) => forEachReference(item, visit, `${path}[${i}]`));
  } else if (value !== null && typeof value === "object") {
    const object = value as Record<string, unknown>;
    if (typeof object.reference === "string") visit(object as { reference: string }, path);
    for (const [key, child] of Object.entries(object)) {
      if (child !== null && typeof child === "object") forEachReference(child, visit, path ? `${path}.${key}` : key);
    }
  }
}

export const FHIR_ID = /^[A-Za-z0-9\-.]{1,64}$/;
export const UUID = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i;
/** "Type/id" at the end of a relative or absolute URL, with an optional version. */
const TYPE_AND_ID = /(?:^|\/)([A-Z][A-Za-z]+)\/([A-Za-z0-9\-.]{1,64})(?:\/_history\/[A-Za-z0-9\-.]{1,64})?$/;
/** A conditional reference by identifier: Type?identifier=system|value. */
const BY_IDENTIFIER = /^([A-Z][A-Za-z]+)\?identifier=([^&]*)$/;

export function keyOf(resource: { resourceType: string; id?: string }): string {
  return `${resource.resourceType}/${resource.id}`;
}

/**
 * Resolves references to the resources it was given: by fullUrl (urn:uuid or URL), by relative
 * or absolute "Type/id" (version ignored), and by conditional identifier reference
 * (Type?identifier=system|value, as bulk exports write them). Gives the target's "Type/id".
 */
export class ReferenceResolver {
  private readonly byAlias = new Map<string, string>();
  private readonly keys = new Set<string>();
  private readonly byIdentifier = new Map<string, string>();

  add(resource: fhir4.Resource, aliases: readonly (string | undefined)[] = []): void {
    const key = keyOf(resource);
    this.keys.add(key);
    for (const alias of aliases) if (alias && !this.byAlias.has(alias)) this.byAlias.set(alias, key);
    for (const identifier of (resource as { identifier?: fhir4.Identifier[] }).identifier ?? []) {
      if (identifier?.value === undefined) continue;
      const k = `${resource.resourceType}?${identifier.system ?? ""}|${identifier.value}`;
      if (!this.byIdentifier.has(k)) this.byIdentifier.set(k, key);
    }
  }

  /** The "Type/id" `reference` points to among the added resources, or undefined. Local (#) references are not resolved. */
  resolve(reference: string): string | undefined {
    if (reference.startsWith("#")) return undefined;
    const aliased = this.byAlias.get(reference);
    if (aliased) return aliased;
    const typeAndId = TYPE_AND_ID.exec(reference);
    if (typeAndId) {
      const key = `${typeAndId[1]}/${typeAndId[2]}`;
      return this.keys.has(key) ? key : undefined;
    }
    const conditional = BY_IDENTIFIER.exec(reference);
    if (conditional) {
      let token: string;
      try {
        token = decodeURIComponent(conditional[2]);
      } catch {
        return undefined;
      }
      const k = token.includes("|") ? `${conditional[1]}?${token}` : `${conditional[1]}?|${token}`;
      return this.byIdentifier.get(k);
    }
    return undefined;
  }
}
