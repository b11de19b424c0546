export * from './agentCatalog';
export * from './agentDefinition';
export * from './agentFileErrors';
export * from './agentFileFormat';
export * from './fileAgentSource';
export { DEFAULT_FOUNDRY_PROFILE, parseFoundryAgent, serializeFoundryAgent } from './foundryAgentFormat';
export { parseMarkdownAgent, serializeMarkdownAgent } from './markdownAgentFormat';
