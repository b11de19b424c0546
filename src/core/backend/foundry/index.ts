export { FoundryBackend } from './foundryBackend';
export { type FoundryAuth, type FoundryConnection, parseEndpoint } from './foundryClient';
export { FoundryError, type FoundryErrorCode } from './foundryErrors';
export { FOUNDRY_PROFILE } from './foundryMapping';
