// /v1/threads: create (with first messages), read, update metadata, delete, and create-thread-and-run.

import { ACTIVE_RUN_KEY, ACTIVE_RUN_OWNER_KEY } from '../../runs/runRecovery';
import { ALLOWED_TOOLS_KEY } from '../../tools/approvalPolicy';
import { ApiError, badRequest } from '../apiErrors';
import { type ApiServices, pathId } from '../apiServices';
import { renderThread } from '../render';
import { messageInputs, optionalMetadata, optionalString } from '../requestParams';
import { json, type Router } from '../router';
import { parseRunRequest, startRun } from './runRoutes';

// Keys the run engine keeps in thread metadata; an API metadata update replaces the rest but keeps these.
export const ENGINE_KEYS = [ACTIVE_RUN_KEY, ACTIVE_RUN_OWNER_KEY, ALLOWED_TOOLS_KEY];

/** Adds the thread routes. */
export function addThreadRoutes(router: Router, services: ApiServices): void {
  // Before '/threads/:id', which would otherwise take 'runs' for a thread id.
  router.add('POST', '/threads/runs', async ({ body, res }) => {
    // Everything is checked before the thread exists, so a bad request leaves no empty thread behind.
    const request = parseRunRequest(body, services);
    await services.agents.get(request.assistantId);
    const threadBody = body.thread ?? {};
    if (typeof threadBody !== 'object' || threadBody === null || Array.isArray(threadBody))
      throw badRequest("'thread' must be an object.", 'thread');
    const thread = await createThread(services, threadBody as Record<string, unknown>, request.assistantId);
    return startRun(services, thread.id, request, res);
  });

  router.add('POST', '/threads', async ({ body }) => json(renderThread(await createThread(services, body, null))));

  router.add('GET', '/threads/:id', async ({ params }) => json(renderThread(await services.threads.get(pathId('thread', params.id)))));

  router.add('POST', '/threads/:id', async ({ params, body }) => {
    const id = pathId('thread', params.id);
    const current = await services.threads.get(id);
    const metadata = optionalMetadata(body);
    const title = optionalString(body, 'title');
    const kept = Object.fromEntries(ENGINE_KEYS.filter((key) => key in current.metadata).map((key) => [key, current.metadata[key]]));
    const update = { ...(metadata ? { metadata: { ...metadata, ...kept } } : {}), ...(title !== undefined ? { title } : {}) };
    return json(renderThread(await services.threads.update(id, update)));
  });

  router.add('DELETE', '/threads/:id', async ({ params }) => {
    const id = pathId('thread', params.id);
    await services.threads.get(id);
    const active = services.engine.activeRun(id);
    if (active)
      throw new ApiError(
        409,
        'conflict_error',
        `Thread ${id} has an active run (${active.id}); cancel it before deleting the thread.`,
        'thread_busy',
      );
    await services.threads.delete(id);
    return json({ id, object: 'thread.deleted', deleted: true });
  });
}

/** Creates a thread from a create-thread body. */
function createThread(
  services: ApiServices,
  body: Record<string, unknown>,
  agentId: string | null,
): ReturnType<ApiServices['threads']['create']> {
  const messages = messageInputs(body.messages, 'messages');
  const metadata = optionalMetadata(body);
  if (body.tool_resources !== undefined && body.tool_resources !== null && Object.keys(body.tool_resources).length) {
    throw badRequest("'tool_resources' is not supported: the local API has no file storage.", 'tool_resources');
  }
  return services.threads.create({ messages, agent_id: agentId, ...(metadata ? { metadata } : {}) });
}
