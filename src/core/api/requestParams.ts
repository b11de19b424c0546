// Validation of request parameters into our domain inputs. Each helper throws a 400 naming the parameter, so a
// script author sees which field to fix.

import type { AgentTool, TruncationStrategy } from '../domain/agent';
import type { Metadata } from '../domain/common';
import type { MessageContent, MessageInput } from '../domain/message';
import type { ListQuery } from '../store/pagination';
import { ApiError, badRequest } from './apiErrors';

type Body = Record<string, unknown>;

/** `body[key]` when it is a string (or absent/null → undefined). */
export function optionalString(body: Body, key: string): string | undefined {
  const value = body[key];
  if (value === undefined || value === null) return undefined;
  if (typeof value !== 'string') throw badRequest(`'${key}' must be a string.`, key);
  return value;
}

/** `body[key]` when it is a number, null when null, undefined when absent. */
export function optionalNumber(body: Body, key: string): number | null | undefined {
  const value = body[key];
  if (value === undefined || value === null) return value as null | undefined;
  if (typeof value !== 'number' || !Number.isFinite(value)) throw badRequest(`'${key}' must be a number.`, key);
  return value;
}

/** `body[key]` when it is a boolean (absent → false). */
export function flag(body: Body, key: string): boolean {
  const value = body[key];
  if (value === undefined || value === null) return false;
  if (typeof value !== 'boolean') throw badRequest(`'${key}' must be true or false.`, key);
  return value;
}

/** Metadata as the API allows it: up to 16 string pairs, keys up to 64 and values up to 512 characters. */
export function optionalMetadata(body: Body, key = 'metadata'): Metadata | undefined {
  const value = body[key];
  if (value === undefined || value === null) return undefined;
  if (typeof value !== 'object' || Array.isArray(value)) throw badRequest(`'${key}' must be an object of string values.`, key);
  const entries = Object.entries(value as Record<string, unknown>);
  if (entries.length > 16) throw badRequest(`'${key}' may have at most 16 keys.`, key);
  for (const [k, v] of entries) {
    if (typeof v !== 'string' || k.length > 64 || v.length > 512) {
      throw badRequest(`'${key}' keys must be strings of up to 64 characters and values strings of up to 512.`, key);
    }
  }
  return Object.fromEntries(entries) as Metadata;
}

/** The tool names of an API `tools` list; only function tools the extension has registered are accepted. */
export function toolNames(value: unknown, knownTools: ReadonlySet<string>, param = 'tools'): AgentTool[] {
  if (!Array.isArray(value)) throw badRequest(`'${param}' must be a list of tools.`, param);
  return value.map((tool: unknown, index) => {
    const entry = tool as { type?: unknown; function?: { name?: unknown } } | null;
    if (entry?.type !== 'function') {
      throw badRequest(`${param}[${index}]: only function tools are supported (code_interpreter and file_search are not).`, param);
    }
    const name = entry.function?.name;
    if (typeof name !== 'string' || !knownTools.has(name)) {
      throw badRequest(
        `${param}[${index}]: unknown function ${JSON.stringify(name)}; the local API runs only the extension's registered tools (${[...knownTools].join(', ')}).`,
        param,
      );
    }
    return { name };
  });
}

/** A truncation strategy in the API's shape. */
export function optionalTruncation(body: Body, key = 'truncation_strategy'): TruncationStrategy | undefined {
  const value = body[key] as { type?: unknown; last_messages?: unknown } | null | undefined;
  if (value === undefined || value === null) return undefined;
  if (value.type === 'auto') return { type: 'auto' };
  if (value.type === 'last_messages' && Number.isInteger(value.last_messages) && (value.last_messages as number) >= 1) {
    return { type: 'last_messages', last_messages: value.last_messages as number };
  }
  throw badRequest(`'${key}' must be {type:'auto'} or {type:'last_messages', last_messages: 1 or more}.`, key);
}

/** A message to append, from the API's create-message shape (also used for thread and run `messages`). */
export function messageInput(value: unknown, param = 'messages'): MessageInput {
  if (typeof value !== 'object' || value === null) throw badRequest(`'${param}' must be a message object.`, param);
  const body = value as Body;
  const role = body.role;
  if (role !== 'user' && role !== 'assistant') throw badRequest(`${param}.role must be 'user' or 'assistant'.`, `${param}.role`);
  const attachments = body.attachments;
  if (Array.isArray(attachments) && attachments.length) {
    throw badRequest(
      `${param}.attachments are not supported: the local API has no file storage; put the text in the content.`,
      `${param}.attachments`,
    );
  }
  const metadata = optionalMetadata(body);
  return { role, content: messageContent(body.content, `${param}.content`), ...(metadata ? { metadata } : {}) };
}

/** A list of messages to append. */
export function messageInputs(value: unknown, param: string): MessageInput[] {
  if (value === undefined || value === null) return [];
  if (!Array.isArray(value)) throw badRequest(`'${param}' must be a list of messages.`, param);
  return value.map((message, index) => messageInput(message, `${param}[${index}]`));
}

/** Message content: a string, or text and image_url parts (images only as data: URLs, as nothing is fetched). */
export function messageContent(value: unknown, param: string): MessageContent[] {
  if (typeof value === 'string') return [{ type: 'text', text: { value } }];
  if (!Array.isArray(value) || value.length === 0)
    throw badRequest(`'${param}' must be a string or a non-empty list of content parts.`, param);
  return value.map((part: unknown, index): MessageContent => {
    const entry = part as { type?: unknown; text?: unknown; image_url?: { url?: unknown; detail?: unknown } } | null;
    if (entry?.type === 'text' && typeof entry.text === 'string') return { type: 'text', text: { value: entry.text } };
    if (entry?.type === 'image_url' && typeof entry.image_url?.url === 'string') {
      const mime = /^data:(image\/[a-z0-9.+-]+);base64,/i.exec(entry.image_url.url)?.[1];
      if (!mime)
        throw badRequest(`${param}[${index}]: image_url must be a data: URL with a base64 image (the local API fetches nothing).`, param);
      const detail = entry.image_url.detail;
      return {
        type: 'image_url',
        image_url: {
          url: entry.image_url.url,
          mime_type: mime,
          ...(detail === 'low' || detail === 'high' || detail === 'auto' ? { detail } : {}),
        },
      };
    }
    throw badRequest(`${param}[${index}]: supported parts are {type:'text', text} and {type:'image_url', image_url:{url}}.`, param);
  });
}

/** limit/order/after/before from a query string. */
export function listQuery(query: URLSearchParams): ListQuery {
  const result: ListQuery = {};
  const limit = query.get('limit');
  if (limit !== null) {
    // Checked here rather than left to the store's pagination, whose refusal is an invalid_cursor without a param.
    // OpenAI's codes for an integer out of range, so scripts that branch on them see the same.
    if (!/^\d+$/.test(limit)) throw badRequest(`Invalid 'limit': it must be a whole number from 1 to 100.`, 'limit');
    const value = Number(limit);
    if (value < 1 || value > 100) {
      const code = value < 1 ? 'integer_below_min_value' : 'integer_above_max_value';
      throw new ApiError(400, 'invalid_request_error', `Invalid 'limit': ${value}. It must be from 1 to 100.`, code, 'limit');
    }
    result.limit = value;
  }
  const order = query.get('order');
  if (order !== null) {
    if (order !== 'asc' && order !== 'desc') throw badRequest(`order must be 'asc' or 'desc'.`, 'order');
    result.order = order;
  }
  const after = query.get('after');
  if (after) result.after = after;
  const before = query.get('before');
  if (before) result.before = before;
  return result;
}
