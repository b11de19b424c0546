import * as l10n from '@vscode/l10n';
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

/**
 * Commands that fix what an error code says is wrong, offered next to the error. Titles are translated when asked
 * for (the extension configures @vscode/l10n with VS Code's bundle on activation), and this module stays free of
 * the vscode API so unit tests load it.
 */
function fixFor(code: string): ErrorFix | undefined {
  switch (code as ErrorCode) {
    case 'no_model':
    case 'model_not_found':
      return { title: l10n.t('Configure Model'), id: CommandId.configureModel };
    case 'invalid_api_key':
      return { title: l10n.t('Set API Key'), id: CommandId.setApiKey };
    case 'compaction_disabled':
      return { title: l10n.t('Edit Agent'), id: CommandId.editAgent };
    case 'agent_not_found':
      return { title: l10n.t('Create Agent'), id: CommandId.createAgent };
    case 'foundry_unauthorized':
    case 'foundry_network':
      return { title: l10n.t('Connect Foundry Project'), id: CommandId.connectFoundry };
    case 'foundry_not_found':
    case 'foundry_conflict':
      return { title: l10n.t('Refresh'), id: CommandId.refresh };
    default:
      return undefined;
  }
}

/** An error as a notice a user can act on: its (already user-facing) message and, when one exists, the fix. */
export function userFacingError(error: unknown): { text: string; command?: ErrorFix } {
  const code = errorCode(error);
  return { text: errorMessage(error), command: code === undefined ? undefined : fixFor(code) };
}
