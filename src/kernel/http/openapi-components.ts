type Schema = Record<string, unknown>;

/** A `title` that can be a component name (OpenAPI 3.1 §4.8.7.1: `^[a-zA-Z0-9.\-_]+$`). */
const COMPONENT_NAME = /^[A-Za-z][A-Za-z0-9._-]*$/;

/**
 * Moves every schema whose `title` is a component name into `components.schemas` under that
 * name and puts a `$ref` in its place, innermost first, so a named schema inside a named schema
 * is referenced too. Route schemas carry their names as TypeBox titles; this turns the inline
 * document @fastify/swagger builds into one with named, reusable components.
 *
 * Two different schemas with one title would make one of them silently wrong: that throws.
 */
export class SchemaComponents {
  readonly schemas: Record<string, Schema> = {};
  private readonly texts = new Map<string, string>();

  /** `node` with every titled schema in it replaced by a `$ref` to its component. */
  extract(node: unknown): unknown {
    if (Array.isArray(node)) return node.map((item) => this.extract(item));
    if (!node || typeof node !== 'object') return node;
    const schema = node as Schema;
    const inner: Schema = Object.fromEntries(Object.entries(schema).map(([key, value]) => [key, this.extract(value)]));
    const title = schema.title;
    if (typeof title !== 'string' || !COMPONENT_NAME.test(title)) return inner;
    const text = JSON.stringify(inner);
    const known = this.texts.get(title);
    if (known === undefined) {
      this.texts.set(title, text);
      this.schemas[title] = inner;
    } else if (known !== text) {
      throw new Error(`two different schemas are titled ${title}`);
    }
    return { $ref: `#/components/schemas/${title}` };
  }
}
