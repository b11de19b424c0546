/**
 * Every command the extension contributes (package.json `contributes.commands`; a unit test keeps the two equal).
 * Code names a command through this object, so a misspelled or removed id is a compile error, not a dead button.
 */
export const CommandId = {
  createAgent: 'agentThreads.createAgent',
  editAgent: 'agentThreads.editAgent',
  duplicateAgent: 'agentThreads.duplicateAgent',
  deleteAgent: 'agentThreads.deleteAgent',
  newThread: 'agentThreads.newThread',
  openThread: 'agentThreads.openThread',
  openThreadInChat: 'agentThreads.openThreadInChat',
  renameThread: 'agentThreads.renameThread',
  deleteThread: 'agentThreads.deleteThread',
  exportThread: 'agentThreads.exportThread',
  importThread: 'agentThreads.importThread',
  cancelRun: 'agentThreads.cancelRun',
  showRunDetails: 'agentThreads.showRunDetails',
  configureModel: 'agentThreads.configureModel',
  setApiKey: 'agentThreads.setApiKey',
  openChat: 'agentThreads.openChat',
  refresh: 'agentThreads.refresh',
  showLog: 'agentThreads.showLog',
  showLocalApiInfo: 'agentThreads.showLocalApiInfo',
  askAboutSelection: 'agentThreads.askAboutSelection',
  sendSelectionToChat: 'agentThreads.sendSelectionToChat',
  newChatThread: 'agentThreads.newChatThread',
  exportAgentToFile: 'agentThreads.exportAgentToFile',
  importAgentFromFile: 'agentThreads.importAgentFromFile',
  forkThread: 'agentThreads.forkThread',
  editAndResend: 'agentThreads.editAndResend',
  searchThreads: 'agentThreads.searchThreads',
  filterThreads: 'agentThreads.filterThreads',
  clearFilter: 'agentThreads.clearFilter',
  reloadAgentFiles: 'agentThreads.reloadAgentFiles',
  connectFoundry: 'agentThreads.connectFoundry',
  useLocalStorage: 'agentThreads.useLocalStorage',
  moveThread: 'agentThreads.moveThread',
  reviewRunChanges: 'agentThreads.reviewRunChanges',
  undoRunChanges: 'agentThreads.undoRunChanges',
  restoreCheckpoint: 'agentThreads.restoreCheckpoint',
} as const;

export type CommandId = (typeof CommandId)[keyof typeof CommandId];
