export * from './agent';
export * from './common';
export * from './errors';
export * from './events';
export * from './ids';
export * from './message';
export * from './run';
export * from './thread';
