// Our objects in the Assistants v2 response shapes. Our own extra fields stay (clients ignore what they do not
// know); what differs in type is rewritten: the model becomes "<profile>/<name>", tools become function tools,
// text parts get an empty annotations list (ours point at workspace paths, not file ids).

import type { Agent, AgentTool } from '../domain/agent';
import type { Message, MessageContent } from '../domain/message';
import type { Run, RunStep } from '../domain/run';
import type { Thread } from '../domain/thread';
import type { RunEngineEvent } from '../runs/runRecorder';
import type { ToolDefinition } from '../tools/toolRegistry';
import { modelNameOf } from './modelNames';

/** Looks up a registered tool's description and schema for rendering. */
export type ToolLookup = (name: string) => Pick<ToolDefinition, 'description' | 'parameters'> | undefined;

/** An agent as an `assistant` object. */
export function renderAssistant(agent: Agent, lookup: ToolLookup): Record<string, unknown> {
  return {
    ...agent,
    model: modelNameOf(agent.model),
    tools: renderTools(agent.tools, lookup),
    response_format: agent.response_format,
    tool_resources: null,
  };
}

function renderTools(tools: AgentTool[], lookup: ToolLookup): unknown[] {
  return tools.map((tool) => {
    const definition = lookup(tool.name);
    return {
      type: 'function',
      function: { name: tool.name, description: definition?.description ?? '', parameters: definition?.parameters ?? {}, strict: false },
    };
  });
}

/** A thread as a `thread` object (title, message count and last activity are our extras). */
export function renderThread(thread: Thread): Record<string, unknown> {
  return { ...thread, tool_resources: null };
}

/** A message as a `thread.message` object. */
export function renderMessage(message: Message): Record<string, unknown> {
  return {
    ...message,
    content: message.content.map(renderContent),
    metadata: message.metadata ?? {},
    attachments: message.attachments ?? [],
  };
}

function renderContent(part: MessageContent): unknown {
  switch (part.type) {
    case 'text':
      return { type: 'text', text: { value: part.text.value, annotations: [] } };
    case 'image_url':
      return { type: 'image_url', image_url: { url: part.image_url.url, detail: part.image_url.detail ?? 'auto' } };
    default:
      // image_file and file_ref name workspace paths; there is no API equivalent, so they pass through as they are.
      return part;
  }
}

/** A run as a `thread.run` object. */
export function renderRun(run: Run, lookup: ToolLookup): Record<string, unknown> {
  return {
    ...run,
    model: modelNameOf(run.model),
    tools: renderTools(run.tools, lookup),
    metadata: run.metadata ?? {},
    tool_choice: 'auto',
    parallel_tool_calls: true,
  };
}

/** A run step as a `thread.run.step` object. */
export function renderStep(step: RunStep): Record<string, unknown> {
  return { ...step, metadata: step.metadata ?? {} };
}

/** An engine event's data in the API shape of its event (deltas are already in it). */
export function renderEventData(event: RunEngineEvent, lookup: ToolLookup): unknown {
  const data = event.data;
  switch (data.object) {
    case 'thread.run':
      return renderRun(data, lookup);
    case 'thread.message':
      return renderMessage(data);
    case 'thread.run.step':
      return renderStep(data);
    default:
      return data;
  }
}
