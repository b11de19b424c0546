// A compaction summary is an ordinary assistant message appended to the thread (so it is paged, searched, exported
// and shown like any other record of the thread), marked by its metadata. Its first text part is the model's summary,
// its second the record code built from the thread log (files, tool calls, approvals, errors).

import type { Message, MessageContent } from '../domain/message';

/** Metadata key: the id of the newest message the summary covers; every older message is covered too. */
export const SUMMARY_THROUGH_KEY = 'summary_through';
/** Metadata key: how many messages the summary covers (summaries excluded), as a decimal string. */
export const SUMMARY_COUNT_KEY = 'summary_count';

/** What a summary message says about itself. */
export interface SummaryInfo {
  /** The newest covered message. */
  throughId: string;
  /** Messages covered, from the start of the thread through `throughId`. */
  count: number;
  /** The model's part. */
  modelText: string;
  /** The part built by code from the log. */
  recordText: string;
}

/** The summary a message carries, or undefined for every other message. */
export function summaryInfo(message: Pick<Message, 'metadata' | 'content'>): SummaryInfo | undefined {
  const throughId = message.metadata?.[SUMMARY_THROUGH_KEY];
  if (!throughId) return undefined;
  const texts = message.content.flatMap((part) => (part.type === 'text' ? [part.text.value] : []));
  const count = Number(message.metadata?.[SUMMARY_COUNT_KEY]);
  return { throughId, count: Number.isFinite(count) ? count : 0, modelText: texts[0] ?? '', recordText: texts[1] ?? '' };
}

/** Whether a message is a compaction summary. */
export function isSummary(message: Pick<Message, 'metadata'>): boolean {
  return Boolean(message.metadata?.[SUMMARY_THROUGH_KEY]);
}

/** The content and metadata of a summary message. */
export function summaryMessageParts(summary: Omit<SummaryInfo, 'count'> & { count: number }): {
  content: MessageContent[];
  metadata: Record<string, string>;
} {
  return {
    content: [
      { type: 'text', text: { value: summary.modelText, annotations: [] } },
      { type: 'text', text: { value: summary.recordText, annotations: [] } },
    ],
    metadata: { [SUMMARY_THROUGH_KEY]: summary.throughId, [SUMMARY_COUNT_KEY]: String(summary.count) },
  };
}

/** The summary as the model reads it at the start of a later run's context. */
export function summaryForModel(summary: SummaryInfo): string {
  return [
    `Summary of the earlier part of this conversation (${summary.count} messages, summarized because the context filled up):`,
    summary.modelText.trim(),
    summary.recordText.trim(),
  ]
    .filter(Boolean)
    .join('\n\n');
}
