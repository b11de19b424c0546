export * from './budgetLimits';
export * from './runBudgets';
export * from './runCosts';
export * from './serviceRunUsage';
export * from './usageLedger';
export * from './usageFigures';
