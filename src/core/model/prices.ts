// What a model's tokens cost, from the prices a model profile carries (US dollars per million tokens). No prices are
// shipped or guessed: a profile without them has no cost, and the UI says so rather than show a made-up figure.

import type { Usage } from '../domain/common';

/** US dollars per million tokens; `cachedInput` applies to prompt tokens the provider served from its cache. */
export interface ModelPrices {
  input?: number;
  cachedInput?: number;
  output?: number;
}

/** Usage as a cost needs it; `cached_tokens` (part of prompt_tokens) when the provider reported it. */
export type PricedUsage = Pick<Usage, 'prompt_tokens' | 'completion_tokens'> & { cached_tokens?: number };

/** Whether prices are enough to cost a run: both input and output prices set. */
export function hasPrices(prices: ModelPrices | undefined): prices is ModelPrices & { input: number; output: number } {
  return typeof prices?.input === 'number' && typeof prices.output === 'number';
}

/** The cost of `usage` in US dollars, or undefined without usage or without prices. */
export function costOf(usage: PricedUsage | null | undefined, prices: ModelPrices | undefined): number | undefined {
  if (!usage || !hasPrices(prices)) return undefined;
  const cached = Math.min(usage.cached_tokens ?? 0, usage.prompt_tokens);
  const cachedPrice = prices.cachedInput ?? prices.input;
  return ((usage.prompt_tokens - cached) * prices.input + cached * cachedPrice + usage.completion_tokens * prices.output) / 1_000_000;
}

/** Why a `prices` entry of a profile is unusable, or undefined when it is fine (or absent). */
export function pricesProblem(prices: unknown): string | undefined {
  if (prices === undefined) return undefined;
  if (typeof prices !== 'object' || prices === null || Array.isArray(prices)) return 'has "prices" that is not an object';
  for (const [key, value] of Object.entries(prices)) {
    if (!['input', 'cachedInput', 'output'].includes(key)) return `has an unknown price "${key}" (input, cachedInput, output)`;
    if (typeof value !== 'number' || !Number.isFinite(value) || value < 0)
      return `has a price "${key}" that is not a number of dollars per million tokens`;
  }
  return undefined;
}

/** Cost formatters by locale and precision: building one costs far more than using it, and tree rows format costs. */
const costFormatters = new Map<string, Intl.NumberFormat>();

/** A cost as people read it: "$0.0042", "$1.27"; small amounts keep two significant digits. */
export function formatCost(dollars: number, locale: string): string {
  const small = dollars !== 0 && dollars < 0.01;
  const key = `${small ? 's' : 'c'}:${locale}`;
  let format = costFormatters.get(key);
  if (!format) {
    const digits = small ? { maximumSignificantDigits: 2 } : { maximumFractionDigits: 2 };
    format = new Intl.NumberFormat(locale, { style: 'currency', currency: 'USD', ...digits });
    costFormatters.set(key, format);
  }
  return format.format(dollars);
}
