export * from './forkThread';
export * from './versions';
