// The Assistants API names a model with one string; an agent names a provider profile and a model there. This
// maps between the two: "<profile>/<model>" either way, or a bare model name that one configured profile uses.

import type { AgentModel } from '../domain/agent';

/** A configured profile as far as model names go. */
export interface NamedProfile {
  id: string;
  model: string;
  deployment?: string;
}

/** Turns the API's `model` string into an agent model, or undefined when no configured profile matches. */
export type ModelNameResolver = (model: string) => AgentModel | undefined;

/**
 * A resolver over the profiles `listProfiles` returns at each call: "<profile id>/<model name>" (profile ids may
 * themselves contain '/', so the longest matching id wins), else a bare name equal to a profile's model or
 * deployment (the first such profile).
 */
export function modelNameResolver(listProfiles: () => readonly NamedProfile[]): ModelNameResolver {
  return (model) => {
    const profiles = listProfiles();
    const prefixed = profiles
      .filter((p) => model.startsWith(`${p.id}/`) && model.length > p.id.length + 1)
      .sort((a, b) => b.id.length - a.id.length)[0];
    if (prefixed) return { profile: prefixed.id, name: model.slice(prefixed.id.length + 1) };
    const bare = profiles.find((p) => p.model === model || p.deployment === model);
    return bare ? { profile: bare.id, name: model } : undefined;
  };
}

/** The API's `model` string for an agent model. */
export function modelNameOf(model: AgentModel): string {
  return `${model.profile}/${model.name}`;
}
