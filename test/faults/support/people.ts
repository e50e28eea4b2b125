import { randomBytes } from 'node:crypto';
import { DateTime } from 'luxon';
import { PageAgent } from '../../helpers/browser.ts';
import { basicAuth } from '../../helpers/clients.ts';
import { pkcePair, signInThroughPages } from '../../helpers/oauth-flow.ts';
import type { ConsentryNode } from './consentry-node.ts';
import type { Deployment } from './deployment.ts';
import type { Traffic } from './traffic.ts';

export const SCHEDULING_SCOPE = 'offline_access read:profile read:bookings write:bookings write:event-types';
export const PORTFOLIO_SCOPE = 'offline_access read:providers write:providers read:assets read:transactions';

export interface FaultClient {
  id: string;
  secret: string;
  redirectUri: string;
  auth: string;
}

/** A series of rotations from one code exchange, as a client keeps it: the latest pair. */
export interface Chain {
  kind: 'scheduling' | 'portfolio';
  person: Person;
  access: string;
  refresh: string;
  /** Every refresh token a node answered for this chain, oldest first. */
  refreshes: string[];
  /** Access tokens a node answered that must still be active (the scheduling profile revokes the previous one). */
  liveAccess: string[];
  busy: boolean;
}

export interface Person {
  email: string;
  agent: PageAgent;
  eventTypeId: string;
  /** Slot starts this person's event type can be booked at, in order. */
  slots: string[];
  nextSlot: number;
}

/** The app the load acts as: a confidential client of both products (it introspects its own tokens). */
export async function createFaultClient(deployment: Deployment): Promise<FaultClient> {
  const redirectUri = 'http://127.0.0.1/cb';
  const scope = [...new Set(`${SCHEDULING_SCOPE} ${PORTFOLIO_SCOPE}`.split(' '))].join(' ');
  const out = JSON.parse(
    await deployment.cli([
      'clients',
      'create',
      '--name',
      'Fault App',
      '--redirect-uri',
      redirectUri,
      '--scope',
      scope,
      '--json',
    ]),
  ) as { client_id: string; client_secret: string };
  return {
    id: out.client_id,
    secret: out.client_secret,
    redirectUri,
    auth: basicAuth(out.client_id, out.client_secret),
  };
}

/**
 * Runs the authorization request at `node` with the person's session and returns the code (with
 * its PKCE verifier). The first time it signs the person in (code by email) and approves the
 * consent page; afterwards the stored consent answers at once.
 */
export async function authorize(
  deployment: Deployment,
  node: ConsentryNode,
  person: { email: string; agent: PageAgent },
  client: FaultClient,
  scope: string,
  traffic?: Traffic,
): Promise<{ code: string; verifier: string }> {
  const { verifier, challenge } = pkcePair();
  const query = new URLSearchParams({
    response_type: 'code',
    client_id: client.id,
    redirect_uri: client.redirectUri,
    scope,
    state: randomBytes(6).toString('hex'),
    code_challenge: challenge,
    code_challenge_method: 'S256',
  });
  const get = async (path: string) => {
    try {
      const response = await person.agent.get(`${node.url}${path}`);
      traffic?.count(node, path, response);
      return response;
    } catch (error) {
      traffic?.count(node, path, undefined);
      throw error;
    }
  };
  let response = await get(`/oauth/authorize?${query}`);
  let location = new URL(response.headers.get('location') ?? '/', node.url);
  if (location.pathname === '/signin') {
    response = await signInThroughPages(person.agent, deployment.smtp, person.email, response);
    location = new URL(response.headers.get('location')!, node.url);
  }
  if (location.pathname.startsWith('/oauth/interaction/')) {
    const consent = await get(location.pathname);
    if (consent.status === 303) location = new URL(consent.headers.get('location')!, node.url);
    else if (consent.status === 200) {
      const decided = await person.agent.submit(await consent.text(), { decision: 'approve' }, '/oauth/interaction/');
      location = new URL(decided.headers.get('location')!, node.url);
    }
  }
  const code = location.searchParams.get('code');
  if (!code) throw new Error(`no code from ${node.name}: ${response.status} ${location.toString()}`);
  return { code, verifier };
}

/** Every half hour of the default schedule (weekdays 09:00–17:00 UTC) for eight weeks, from two weeks out. */
export function slotStarts(): string[] {
  const monday = DateTime.utc().plus({ weeks: 2 }).startOf('week');
  const starts: string[] = [];
  for (let day = 0; day < 56; day++) {
    const date = monday.plus({ days: day });
    if (date.weekday > 5) continue;
    for (let minutes = 9 * 60; minutes < 17 * 60; minutes += 30)
      starts.push(date.plus({ minutes }).toISO({ suppressMilliseconds: true })!);
  }
  return starts;
}
