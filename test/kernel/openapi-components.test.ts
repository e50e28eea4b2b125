import { describe, expect, it } from 'vitest';
import { SchemaComponents } from '../../src/kernel/http/openapi-components.ts';

describe('SchemaComponents: titled schemas become named components', () => {
  it('references a titled schema, innermost first, and keeps untitled ones inline', () => {
    const components = new SchemaComponents();
    const location = { title: 'Location', type: 'object', properties: { kind: { type: 'string' } } };
    const tree = components.extract({
      schema: { title: 'EventType', type: 'object', properties: { location, title: { type: 'string' } } },
      other: { type: 'string' },
    });
    expect(tree).toEqual({ schema: { $ref: '#/components/schemas/EventType' }, other: { type: 'string' } });
    expect(components.schemas.EventType).toEqual({
      title: 'EventType',
      type: 'object',
      properties: { location: { $ref: '#/components/schemas/Location' }, title: { type: 'string' } },
    });
    expect(components.schemas.Location).toEqual(location);
  });

  it('refuses two different schemas under one title, and titles that are not component names', () => {
    const components = new SchemaComponents();
    components.extract({ title: 'Slot', type: 'object' });
    expect(components.extract({ title: 'Slot', type: 'object' })).toEqual({ $ref: '#/components/schemas/Slot' });
    expect(() => components.extract({ title: 'Slot', type: 'string' })).toThrow(
      'two different schemas are titled Slot',
    );
    expect(components.extract({ title: 'A slot', type: 'string' })).toEqual({ title: 'A slot', type: 'string' });
  });
});
