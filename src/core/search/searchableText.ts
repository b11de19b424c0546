import { messageText, type Message } from '../domain/message';

/** What search finds in a message: its text, then the summary of the model's reasoning (never its encrypted part). */
export function searchableText(message: Pick<Message, 'content' | 'reasoning'>): string {
  return [messageText(message), ...(message.reasoning?.summary ?? [])].filter(Boolean).join('\n\n');
}
