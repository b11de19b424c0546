import * as vscode from 'vscode';
import { ModelError, type ChatMessage, type ChatRequest, type ChatStreamEvent, type ModelClient } from '../../core/model';
import { errorMessage } from '../shared/errors';

/**
 * A ModelClient over VS Code's Language Model API (`vscode.lm`), so people who already have chat models in
 * VS Code (for example through Copilot) can run agents with no API key. The API has no system role and no
 * images in 1.100, so instructions travel as the first user message and images are described, not sent.
 */
export class LanguageModelClient implements ModelClient {
  constructor(private readonly model: vscode.LanguageModelChat) {}

  async *streamChat(request: ChatRequest, signal: AbortSignal): AsyncIterable<ChatStreamEvent> {
    const cancellation = new vscode.CancellationTokenSource();
    const onAbort = () => cancellation.cancel();
    signal.addEventListener('abort', onAbort, { once: true });
    try {
      const messages = request.messages.map(toLanguageModelMessage);
      const response = await this.model.sendRequest(
        messages,
        {
          ...toolOptions(request),
          modelOptions: { temperature: request.temperature, top_p: request.top_p, max_tokens: request.max_completion_tokens },
        },
        cancellation.token,
      );
      let toolIndex = 0;
      let completionText = '';
      for await (const part of response.stream) {
        if (signal.aborted) break;
        if (part instanceof vscode.LanguageModelTextPart) {
          completionText += part.value;
          yield { type: 'text', delta: part.value };
        } else if (part instanceof vscode.LanguageModelToolCallPart) {
          yield { type: 'tool_call', index: toolIndex++, id: part.callId, name: part.name, arguments: JSON.stringify(part.input) };
        }
      }
      if (signal.aborted) throw new ModelError('cancelled', 'The run was cancelled.', false);
      const prompt = await this.countPromptTokens(messages);
      const completion = completionText ? await this.model.countTokens(completionText) : 0;
      yield { type: 'usage', prompt_tokens: prompt, completion_tokens: completion, total_tokens: prompt + completion };
      yield { type: 'done', finish_reason: toolIndex > 0 ? 'tool_calls' : 'stop' };
    } catch (error) {
      throw toModelError(error, this.model.name, signal);
    } finally {
      signal.removeEventListener('abort', onAbort);
      cancellation.dispose();
    }
  }

  private async countPromptTokens(messages: vscode.LanguageModelChatMessage[]): Promise<number> {
    let total = 0;
    for (const message of messages) total += await this.model.countTokens(message);
    return total;
  }
}

function toLanguageModelMessage(message: ChatMessage): vscode.LanguageModelChatMessage {
  switch (message.role) {
    case 'system':
      return vscode.LanguageModelChatMessage.User(message.content);
    case 'user': {
      if (typeof message.content === 'string') return vscode.LanguageModelChatMessage.User(message.content);
      const text = message.content
        .map((part) => (part.type === 'text' ? part.text : '[image omitted: this model API takes no images]'))
        .join('\n');
      return vscode.LanguageModelChatMessage.User(text);
    }
    case 'assistant': {
      const parts: (vscode.LanguageModelTextPart | vscode.LanguageModelToolCallPart)[] = [];
      if (message.content) parts.push(new vscode.LanguageModelTextPart(message.content));
      for (const call of message.tool_calls ?? [])
        parts.push(new vscode.LanguageModelToolCallPart(call.id, call.name, parseArguments(call.arguments)));
      return vscode.LanguageModelChatMessage.Assistant(parts);
    }
    case 'tool':
      return vscode.LanguageModelChatMessage.User([
        new vscode.LanguageModelToolResultPart(message.tool_call_id, [new vscode.LanguageModelTextPart(message.content)]),
      ]);
  }
}

function parseArguments(text: string): object {
  try {
    const value: unknown = JSON.parse(text);
    return typeof value === 'object' && value !== null ? value : { value };
  } catch {
    return { raw: text };
  }
}

function toModelError(error: unknown, modelName: string, signal: AbortSignal): ModelError {
  if (error instanceof ModelError) return error;
  if (signal.aborted || error instanceof vscode.CancellationError) return new ModelError('cancelled', 'The run was cancelled.', false);
  if (error instanceof vscode.LanguageModelError) {
    if (error.code === vscode.LanguageModelError.NoPermissions.name) {
      return new ModelError(
        'permission_denied',
        `VS Code did not allow Agent Threads to use ${modelName}. Allow it when VS Code asks, or pick another model profile.`,
        false,
      );
    }
    if (error.code === vscode.LanguageModelError.NotFound.name) {
      return new ModelError('model_not_found', `${modelName} is no longer available in VS Code. Pick another model profile.`, false);
    }
    if (error.code === vscode.LanguageModelError.Blocked.name) {
      return new ModelError(
        'rate_limit_exceeded',
        `${modelName} refused the request for now (quota or rate limit). Try again later.`,
        true,
      );
    }
  }
  return new ModelError('server_error', `${modelName} failed: ${errorMessage(error)}`, true);
}

/** Tools and tool mode for vscode.lm, which knows auto and required: 'none' sends no tools, a named one only it. */
function toolOptions(request: ChatRequest): Pick<vscode.LanguageModelChatRequestOptions, 'tools' | 'toolMode'> {
  const choice = request.tool_choice;
  const tools = (request.tools ?? [])
    .filter((tool) => typeof choice !== 'object' || tool.name === choice.name)
    .map((tool) => ({ name: tool.name, description: tool.description, inputSchema: tool.parameters }));
  if (choice === 'none' || tools.length === 0) return {};
  const required = choice === 'required' || typeof choice === 'object';
  return { tools, ...(required ? { toolMode: vscode.LanguageModelChatToolMode.Required } : {}) };
}
