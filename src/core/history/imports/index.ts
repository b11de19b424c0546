// Import Conversations: other assistants' conversations into threads (parsers, sources, one writer).
export * from './importedConversation';
export * from './detectFormat';
export * from './importSources';
export * from './importWriter';
export { KNOWN_VSCODE_CHAT_VERSIONS, parseVsCodeChatSession, replayVsCodeSessionLog } from './vscodeChat';
export { parseClineTask, type ClineTaskFiles } from './cline';
export { parseContinueSession } from './continueSession';
export { parseOpenAiExport } from './openaiExport';
