import type { ErrorCode } from '../../core/domain/errors';
import { errorMessage } from '../../core/util/errors';
import { CommandId } from './commandIds';

/** The message of anything thrown, for logs and notices (core's, so both layers say it the same way). */
export { errorMessage };

/** The code of a coded error (StoreError, ModelError, RunError), if it has one. */
export function errorCode(error: unknown): string | undefined {
  const code = (error as { code?: unknown } | null)?.code;
  return typeof code === 'string' ? code : undefined;
}

/** A command that fixes what an error says is wrong, offered next to the error. */
export interface ErrorFix {
  title: string;
  id: CommandId;
}

/** Commands that fix what an error code says is wrong, offered next to the error. */
const FIXES: Partial<Record<ErrorCode, ErrorFix>> = {
  no_model: { title: 'Configure Model', id: CommandId.configureModel },
  invalid_api_key: { title: 'Set API Key', id: CommandId.setApiKey },
  model_not_found: { title: 'Configure Model', id: CommandId.configureModel },
  agent_not_found: { title: 'Create Agent', id: CommandId.createAgent },
  foundry_unauthorized: { title: 'Connect Foundry Project', id: CommandId.connectFoundry },
  foundry_network: { title: 'Connect Foundry Project', id: CommandId.connectFoundry },
  foundry_not_found: { title: 'Refresh', id: CommandId.refresh },
};

/** An error as a notice a user can act on: its (already user-facing) message and, when one exists, the fix. */
export function userFacingError(error: unknown): { text: string; command?: ErrorFix } {
  const code = errorCode(error);
  return { text: errorMessage(error), command: code !== undefined && hasFix(code) ? FIXES[code] : undefined };
}

/** Whether a code (any string a thrown value carries, errno codes included) is one FIXES has an entry for. */
function hasFix(code: string): code is keyof typeof FIXES {
  return Object.hasOwn(FIXES, code);
}
