import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { PageAgent } from '../helpers/browser.ts';
import { createTestClient, type TestClient } from '../helpers/clients.ts';
import { pkcePair, signInThroughPages } from '../helpers/oauth-flow.ts';
import { startServerWithMail, type SmtpCapture } from '../helpers/oauth-server.ts';
import type { TestServer } from '../helpers/server.ts';

/** A product's own page inside the authorization (how /connect adds "link your accounts"). */
describe('authorization entry points with product steps', () => {
  let server: TestServer;
  let smtp: SmtpCapture;
  let close: () => Promise<void>;
  let client: TestClient;

  beforeAll(async () => {
    ({ server, smtp, close } = await startServerWithMail({
      extend: ({ app, oauth }) => {
        app.get('/test-step/:id', async (request) => {
          const { id } = request.params as { id: string };
          return { interaction: (await oauth.interactions.get(id))?.request.clientId ?? null };
        });
        app.post('/test-step/:id/done', async (request, reply) => {
          const { id } = request.params as { id: string };
          return reply.redirect(await oauth.interactions.completeStep(id, 'test.step'), 303);
        });
      },
    }));
    client = await createTestClient(server, {
      redirectUris: ['https://app.example/cb'],
      allowedScopes: ['read:assets'],
      defaultScopes: ['read:assets'],
    });
  });
  afterAll(() => close());

  it('sends the person through the step after sign-in and before consent', async () => {
    server.kernel.registry.register({
      name: 'test',
      scopes: [],
      resources: [],
      interactionSteps: [{ name: 'test.step', entryPath: '/test-entry', url: (id) => `/test-step/${id}` }],
    });
    // Entry points are routes fixed at start-up, so this test drives the interaction directly.
    const agent = new PageAgent(server.url);
    const started = await agent.get(
      `/oauth/authorize?${new URLSearchParams({ response_type: 'code', client_id: client.id, state: 'x', code_challenge: pkcePair().challenge, code_challenge_method: 'S256' }).toString()}`,
    );
    const signedIn = await signInThroughPages(agent, smtp, 'steps@example.com', started);
    const interactionId = signedIn.headers.get('location')!.split('/').pop()!;
    const interaction = (await server.oauth.interactions.get(interactionId))!;
    await server.kernel.database.db
      .updateTable('interactions')
      .set({ request: JSON.stringify({ ...interaction.request, steps: ['test.step'] }) })
      .where('id', '=', interactionId)
      .execute();

    const atStep = await agent.get(`/oauth/interaction/${interactionId}`);
    expect(atStep.status).toBe(303);
    expect(atStep.headers.get('location')).toBe(`/test-step/${interactionId}`);
    expect(await (await agent.get(`/test-step/${interactionId}`)).json()).toEqual({ interaction: client.id });
    const done = await agent.post(`/test-step/${interactionId}/done`, {});
    expect(done.headers.get('location')).toBe(`/oauth/interaction/${interactionId}`);
    const consent = await agent.get(`/oauth/interaction/${interactionId}`);
    expect(consent.status).toBe(200);
    expect(await consent.text()).toContain('See your crypto balances');
  });
});
