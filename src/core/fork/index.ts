export * from './forkThread';
