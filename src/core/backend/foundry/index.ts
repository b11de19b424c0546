// The Foundry backend and the SDK it pulls in. The extension bundle loads this lazily (esbuild.mjs maps it to
// dist/foundry.js); import what is needed without the SDK from './endpoint'.
export { FoundryBackend } from './foundryBackend';
export type { FoundryAuth, FoundryConnection } from './foundryClient';
export { FoundryError, type FoundryErrorCode } from './foundryErrors';
