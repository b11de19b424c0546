import * as assert from 'node:assert/strict';
import { UNTITLED_THREAD_TITLE as domainTitle } from '../../../src/core/domain/thread';
import { UNTITLED_THREAD_TITLE as protocolTitle } from '../../../src/protocol/threadView';

describe('the untitled thread title', () => {
  it('is the same for the webviews as for the host (protocol may not import core, so it has its own copy)', () => {
    assert.equal(protocolTitle, domainTitle);
  });
});
