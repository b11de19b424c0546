import * as assert from 'node:assert/strict';
import { FoundryError } from '../../../src/core/backend/foundry/foundryErrors';
import { StoreError } from '../../../src/core/domain/errors';
import { ModelError } from '../../../src/core/model/types';
import { CommandId } from '../../../src/vscode/shared/commandIds';
import { userFacingError } from '../../../src/vscode/shared/errors';

describe('errors as notices a user can act on', () => {
  it('offer the command that fixes what the code says', () => {
    assert.deepEqual(userFacingError(new StoreError('agent_not_found', 'No agent agt_1.')), {
      text: 'No agent agt_1.',
      command: { title: 'Create Agent', id: CommandId.createAgent },
    });
    assert.equal(userFacingError(new ModelError('invalid_api_key', 'The key was refused.', false)).command?.id, CommandId.setApiKey);
    assert.equal(userFacingError(new FoundryError('foundry_network', 'Foundry is unreachable.')).command?.id, CommandId.connectFoundry);
  });

  it('offer nothing for codes without a fix, errno codes, prototype keys and uncoded values', () => {
    assert.deepEqual(userFacingError(new StoreError('thread_locked', 'Locked.')), { text: 'Locked.', command: undefined });
    assert.equal(userFacingError(Object.assign(new Error('gone'), { code: 'ENOENT' })).command, undefined);
    assert.equal(userFacingError(Object.assign(new Error('odd'), { code: 'toString' })).command, undefined);
    assert.deepEqual(userFacingError('plain text'), { text: 'plain text', command: undefined });
  });
});
