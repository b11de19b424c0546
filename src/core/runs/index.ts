// The run engine's public surface.
export type { ToolApproval, ToolOutput } from '../domain/run';
export { RunEngine, type RunEngineOptions } from './runEngine';
export type { RunEngineEvent } from './runRecorder';
export { RunError, type RunErrorCode } from './runErrors';
export type { RunOverrides } from './runState';
export { buildContext, promptBudget, type BuiltContext, type ContentReaders, type ContextRequest } from './contextBuilder';
export { budgetStopMessage, type BudgetDecision } from './budgetHold';
export { compactThread, regenerateSummary, type CompactionRequest } from './compactor';
export { collectFacts, renderFacts, type ThreadFacts } from './summaryFacts';
export { isSummary, summaryInfo, type SummaryInfo } from './summaryRecord';
