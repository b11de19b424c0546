export * from './backend';
export { LocalBackend } from './localBackend';
export { SwitchableBackend } from './switchableBackend';
