// /v1/assistants: agents as Assistants API assistants. Our extras that the API lacks (approval_policy,
// tool_settings) may be sent and are returned as they are.

import type { Agent, AgentInput, AgentUpdate, ApprovalPolicy } from '../../domain/agent';
import { badRequest } from '../apiErrors';
import { type ApiServices, pathId, toolLookup } from '../apiServices';
import { mapPage, pageOf } from '../listPage';
import { renderAssistant } from '../render';
import { listQuery, optionalMetadata, optionalNumber, optionalString, optionalTruncation, toolNames } from '../requestParams';
import { json, type Router } from '../router';

/** Adds the assistant routes. */
export function addAssistantRoutes(router: Router, services: ApiServices): void {
  const render = (agent: Agent): Record<string, unknown> => renderAssistant(agent, toolLookup(services));

  router.add('POST', '/assistants', async ({ body }) => {
    if (body.model === undefined) throw badRequest("'model' is required.", 'model');
    const fields = agentFields(body, services);
    const input: AgentInput = { name: 'Assistant', ...fields, model: fields.model! };
    return json(render(await services.agents.create(input)));
  });

  router.add('GET', '/assistants', async ({ query }) => {
    // Oldest first, as pages expect; ids encode their creation time in ASCII order (localeCompare would not keep it).
    const agents = (await services.agents.list()).sort((a, b) => (a.id < b.id ? -1 : a.id > b.id ? 1 : 0));
    return json(mapPage(pageOf(agents, listQuery(query)), render));
  });

  router.add('GET', '/assistants/:id', async ({ params }) => json(render(await services.agents.get(pathId('asst', params.id)))));

  router.add('POST', '/assistants/:id', async ({ params, body }) => {
    const id = pathId('asst', params.id);
    return json(render(await services.agents.update(id, agentFields(body, services))));
  });

  router.add('DELETE', '/assistants/:id', async ({ params }) => {
    const id = pathId('asst', params.id);
    await services.agents.get(id); // 404 for an agent that does not exist, rather than a silent success
    await services.agents.delete(id);
    return json({ id, object: 'assistant.deleted', deleted: true });
  });
}

/** The agent fields a create or update body sets; absent fields are left out so an update keeps them. */
function agentFields(body: Record<string, unknown>, services: ApiServices): AgentUpdate {
  const fields: AgentUpdate = {};
  if (body.model !== undefined) {
    if (typeof body.model !== 'string') throw badRequest("'model' must be a string.", 'model');
    const model = services.resolveModelName(body.model);
    if (!model)
      throw badRequest(
        `No configured model profile matches '${body.model}'. Use "<profile>/<model>" or a model name a profile uses.`,
        'model',
      );
    fields.model = model;
  }
  const name = optionalString(body, 'name');
  if (name !== undefined) fields.name = name;
  if (body.description !== undefined) fields.description = optionalString(body, 'description') ?? null;
  const instructions = optionalString(body, 'instructions');
  if (instructions !== undefined) fields.instructions = instructions;
  if (body.tools !== undefined) fields.tools = toolNames(body.tools, services.tools.names());
  if (body.tool_resources !== undefined && body.tool_resources !== null && Object.keys(body.tool_resources).length) {
    throw badRequest("'tool_resources' is not supported: the local API has no file storage.", 'tool_resources');
  }
  for (const key of ['temperature', 'top_p'] as const) {
    const value = optionalNumber(body, key);
    if (value !== undefined) fields[key] = value;
  }
  if (body.response_format !== undefined) fields.response_format = (body.response_format ?? 'auto') as AgentUpdate['response_format'];
  const truncation = optionalTruncation(body);
  if (truncation) fields.truncation_strategy = truncation;
  const metadata = optionalMetadata(body);
  if (metadata) fields.metadata = metadata;
  if (body.approval_policy !== undefined) fields.approval_policy = (body.approval_policy ?? {}) as Record<string, ApprovalPolicy>;
  return fields;
}
