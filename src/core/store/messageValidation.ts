import { StoreError } from '../domain/errors';
import type { MessageContent, MessageInput } from '../domain/message';

function invalid(reason: string): never {
  throw new StoreError('invalid_message', `Invalid message: ${reason}.`);
}

function checkPart(part: MessageContent, index: number): void {
  const where = `content[${index}]`;
  switch (part?.type) {
    case 'text':
      if (typeof part.text?.value !== 'string') invalid(`${where}.text.value must be a string`);
      return;
    case 'image_file':
      if (typeof part.image_file?.path !== 'string' || !part.image_file.path) invalid(`${where}.image_file.path must be a file path`);
      if (typeof part.image_file.mime_type !== 'string' || !part.image_file.mime_type.startsWith('image/'))
        invalid(`${where}.image_file.mime_type must be an image/* type`);
      return;
    case 'image_url':
      if (typeof part.image_url?.url !== 'string' || !part.image_url.url.startsWith('data:'))
        invalid(`${where}.image_url.url must be a data: URL`);
      if (typeof part.image_url.mime_type !== 'string' || !part.image_url.mime_type.startsWith('image/'))
        invalid(`${where}.image_url.mime_type must be an image/* type`);
      return;
    case 'file_ref':
      if (typeof part.path !== 'string' || !part.path) invalid(`${where}.path must be a file path`);
      return;
    default:
      invalid(`${where} has unknown type ${JSON.stringify((part as { type?: unknown })?.type)}`);
  }
}

/** Throws StoreError `invalid_message` unless the input is a message the store can keep. */
export function validateMessageInput(input: MessageInput): void {
  if (input?.role !== 'user' && input?.role !== 'assistant') invalid(`role must be 'user' or 'assistant'`);
  if (!Array.isArray(input.content)) invalid('content must be a list of parts');
  input.content.forEach(checkPart);
  if (input.status !== undefined && !['in_progress', 'incomplete', 'completed'].includes(input.status)) {
    invalid(`status must be in_progress, incomplete or completed`);
  }
}
