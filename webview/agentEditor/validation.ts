import type { AgentForm } from '../../src/protocol/agentEditor';

/** Field id → what is wrong with it, in words a person can act on. */
export type FieldErrors = Partial<Record<string, string>>;

function range(value: number | null, min: number, max: number): string | undefined {
  if (value === null) return undefined;
  return Number.isFinite(value) && value >= min && value <= max ? undefined : `Enter a number from ${min} to ${max}, or leave it empty.`;
}

function wholeCount(value: number | null, min: number): string | undefined {
  if (value === null) return undefined;
  return Number.isInteger(value) && value >= min ? undefined : `Enter a whole number of at least ${min}, or leave it empty.`;
}

/** The same rules the store enforces, checked as the user saves so each field says what is wrong. */
export function validateForm(form: AgentForm): FieldErrors {
  const errors: FieldErrors = {
    name: form.name.trim() ? undefined : 'The agent needs a name.',
    modelProfile: form.modelProfile ? undefined : 'Choose a model profile.',
    modelName: form.modelName.trim() ? undefined : 'Enter the model or deployment name.',
    temperature: range(form.temperature, 0, 2),
    top_p: range(form.top_p, 0, 1),
    max_prompt_tokens: wholeCount(form.max_prompt_tokens, 0),
    max_completion_tokens: wholeCount(form.max_completion_tokens, 0),
    lastMessages: wholeCount(form.lastMessages, 1),
  };
  return Object.fromEntries(Object.entries(errors).filter(([, message]) => message !== undefined));
}
