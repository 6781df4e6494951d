/** Every workflow type the worker registers. Workflow types are public names: never rename one that runs. */
export { engagementWorkflow } from './engagement.ts';
export { regularRunWorkflow } from './regular-run.ts';
