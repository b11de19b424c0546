// The Foundry backends and the SDKs they pull in. The extension bundle loads this lazily (esbuild.mjs maps it to
// dist/foundry.js); import what is needed without the SDKs from './endpoint'.
export { FoundryBackend } from './foundryBackend';
export { FoundryAgentsBackend } from './agentService/foundryAgentsBackend';
export { upgradeClassicAgent, notCarriedOver, UPGRADED_FROM_KEY, type ClassicUpgrade } from './upgradeClassicAgent';
export { detectFoundryApis, type FoundryApis } from './detectApis';
export type { FoundryAuth, FoundryConnection } from './foundryClient';
export { FoundryError, type FoundryErrorCode } from './foundryErrors';
