/** Scripts the fake model server (started by the test runner) from inside the extension host, over HTTP. */
import type { ScriptedReply } from '../fixtures/fakeModel/replies';

export const FAKE_MODEL_URL_ENV = 'AGENT_THREADS_TEST_MODEL_URL';

export function fakeModelUrl(): string {
  const url = process.env[FAKE_MODEL_URL_ENV];
  if (!url) throw new Error(`${FAKE_MODEL_URL_ENV} is not set: run the integration suite through 'npm run test:integration'.`);
  return url;
}

async function control(path: string, body?: unknown): Promise<unknown> {
  const response = await fetch(new URL(path, fakeModelUrl()), {
    method: body === undefined ? 'GET' : 'POST',
    body: body === undefined ? undefined : JSON.stringify(body),
  });
  if (!response.ok) throw new Error(`fake model ${path}: ${response.status}`);
  return response.json();
}

export const fakeModel = {
  script: (...replies: ScriptedReply[]) => control('/__fake/script', replies),
  reset: () => control('/__fake/reset', {}),
  requests: () =>
    control('/__fake/requests') as Promise<
      { path: string; body?: { model?: string; messages: { role: string; content: unknown }[] }; firstContentAt?: number }[]
    >,
};
