import * as path from 'node:path';
import type { MessageContent } from '../../core/domain';

const IMAGE_TYPES: Record<string, string> = {
  '.png': 'image/png',
  '.jpg': 'image/jpeg',
  '.jpeg': 'image/jpeg',
  '.gif': 'image/gif',
  '.webp': 'image/webp',
};

/** The content parts of a user message: its text, then each attachment (a pasted image's data URL, or a workspace path). */
export function userMessageContent(text: string, attachments: readonly string[]): MessageContent[] {
  const parts: MessageContent[] = [{ type: 'text', text: { value: text } }];
  for (const attachment of attachments) {
    const pasted = /^data:(image\/(?:png|jpeg|gif|webp));base64,/.exec(attachment);
    if (pasted) {
      parts.push({ type: 'image_url', image_url: { url: attachment, mime_type: pasted[1] } });
      continue;
    }
    const mime = IMAGE_TYPES[path.extname(attachment).toLowerCase()];
    parts.push(mime ? { type: 'image_file', image_file: { path: attachment, mime_type: mime } } : { type: 'file_ref', path: attachment });
  }
  return parts;
}
