import { expect } from 'vitest';
import { PageAgent } from '../../helpers/browser.ts';
import type { Deployment } from './deployment.ts';
import type { Load } from './load.ts';
import { slotStarts, type Person } from './people.ts';

/**
 * A host who signed in through the pages and let the fault app in for both products: an event
 * type to book, a webhook to the suite's receiver, and a Bitcoin wallet linked for syncs.
 */
export async function addPerson(deployment: Deployment, load: Load, index: number): Promise<Person> {
  const person: Person = {
    email: `host${index}@example.com`,
    agent: new PageAgent(deployment.nodes[0]!.url),
    eventTypeId: '',
    slots: slotStarts(),
    nextSlot: 0,
  };
  const scheduling = await load.exchangeCode(person, 'scheduling');
  const portfolio = await load.exchangeCode(person, 'portfolio');
  expect(scheduling && portfolio).toBeTruthy();
  const node = deployment.nodes[0]!;
  const as = (token: string) => ({ authorization: `Bearer ${token}` });
  const eventType = await load.traffic.send(node, '/api/v2/event-types', {
    body: { name: 'Fault call', durations: [30] },
    headers: as(scheduling!.access),
  });
  expect(eventType?.status).toBe(201);
  person.eventTypeId = eventType!.json.id;
  const webhook = await load.traffic.send(node, '/api/v2/webhooks', {
    body: { url: deployment.sink.url, events: ['booking_created'] },
    headers: as(scheduling!.access),
  });
  expect(webhook?.status).toBe(201);
  const linked = await load.traffic.send(node, '/platform/v2/providers', {
    body: { provider_id: 'bitcoin', connection: { type: 'wallet', address: deployment.addresses[index] } },
    headers: as(portfolio!.access),
  });
  expect(linked?.status).toBe(201);
  load.people.push(person);
  return person;
}
