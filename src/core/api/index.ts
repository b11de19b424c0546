// The local agent API's public surface.
export { LOOPBACK_HOST, LocalAgentApi, type LocalAgentApiAddress } from './localAgentApi';
export type { ApiServices } from './apiServices';
export { modelNameOf, modelNameResolver, type ModelNameResolver, type NamedProfile } from './modelNames';
