// What the local agent API drives: the same stores and run engine the UI uses, so both see the same objects.

import type { Backend } from '../backend/backend';
import { type IdPrefix, isValidId } from '../domain/ids';
import type { RunEngine } from '../runs/runEngine';
import type { AgentStore } from '../store/agentStore';
import type { ThreadStore } from '../store/threadStore';
import type { ToolRegistry } from '../tools/toolRegistry';
import type { Logger } from '../util/logger';
import { notFound } from './apiErrors';
import type { ModelNameResolver } from './modelNames';
import type { ToolLookup } from './render';

export interface ApiServices {
  agents: AgentStore;
  threads: ThreadStore;
  engine: RunEngine;
  tools: Pick<ToolRegistry, 'get' | 'names'>;
  /** Maps the API's `model` string to a configured profile and model. */
  resolveModelName: ModelNameResolver;
  logger: Logger;
  /**
   * The workspace's active backend when it is not this local storage (a Foundry project), else undefined. The API
   * then serves that backend's agents and threads, the ones the views show, through the Backend interface.
   */
  remoteBackend?: () => Backend | undefined;
}

/** The tool lookup renderers use. */
export function toolLookup(services: ApiServices): ToolLookup {
  return (name) => services.tools.get(name);
}

const KIND: Record<IdPrefix, string> = {
  asst: 'assistant',
  thread: 'thread',
  msg: 'message',
  run: 'run',
  step: 'run step',
  call: 'tool call',
};

/** A path id, or 404 when it cannot name an object of that kind. */
export function pathId(prefix: IdPrefix, value: string | undefined): string {
  if (!isValidId(prefix, value)) throw notFound(`No ${KIND[prefix]} found with id ${JSON.stringify(String(value).slice(0, 80))}.`);
  return value;
}
