// The one mapping between our domain (threads, messages, runs, steps) and Responses / Conversations items,
// shared by the local agent API and (later) Foundry's Responses-based agents. Backend-neutral: no HTTP, no store.
export * from './itemIds';
export * from './messageItems';
export * from './responseObject';
export * from './responseEvents';
export type * from './wireTypes';
