export * from './budgetLimits';
export * from './runBudgets';
export * from './usageLedger';
export * from './usageFigures';
