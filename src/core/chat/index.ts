export * from './chatRequests';
export * from './chatExchange';
