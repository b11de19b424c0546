/** What tests inside the extension host use to see and touch the real UI, through the test driver's browser. */
import * as http from 'node:http';
import { DRIVER_URL_ENV, type DriverRequest, type DriverResponse, type DriverTarget } from './driverProtocol';

function send(request: DriverRequest): Promise<unknown> {
  const url = process.env[DRIVER_URL_ENV];
  if (!url) throw new Error(`${DRIVER_URL_ENV} is not set: run the integration suite through 'npm run test:integration'.`);
  const body = JSON.stringify(request);
  return new Promise((resolve, reject) => {
    const req = http.request(url, { method: 'POST', headers: { 'content-type': 'application/json' } }, (res) => {
      const chunks: Buffer[] = [];
      res.on('data', (chunk: Buffer) => chunks.push(chunk));
      res.on('end', () => {
        const response = JSON.parse(Buffer.concat(chunks).toString('utf8')) as DriverResponse;
        if (response.ok) resolve(response.value);
        else reject(new Error(`driver ${request.op}: ${response.error}`));
      });
    });
    req.on('error', reject);
    req.end(body);
  });
}

/** Turns a function into an expression for the browser; it must not use anything from the test's scope. */
function expressionOf(fn: () => unknown): string {
  return `(${fn.toString()})()`;
}

/** The UI of one window; `window: 'second'` acts on the window opened with ui.openSecondWindow. */
function windowUi(window?: 'second') {
  return {
    screenshot: (name: string) => send({ op: 'screenshot', name, window }) as Promise<string>,
    /** Evaluates `fn` in the target's document once. */
    evaluate: <T>(target: DriverTarget, fn: () => T) =>
      send({ op: 'evaluate', target, expression: expressionOf(fn), window }) as Promise<T>,
    /** Waits until `fn` returns something truthy in the target's document, and returns it. */
    waitFor: <T>(target: DriverTarget, fn: () => T, timeoutMs?: number) =>
      send({ op: 'evaluate', target, expression: expressionOf(fn), waitForTruthy: true, timeoutMs, window }) as Promise<NonNullable<T>>,
    click: (target: DriverTarget, selector: string, button?: 'left' | 'right') => send({ op: 'click', target, selector, button, window }),
    hover: (target: DriverTarget, selector: string) => send({ op: 'hover', target, selector, window }),
    fill: (target: DriverTarget, selector: string, text: string) => send({ op: 'fill', target, selector, text, window }),
    press: (key: string) => send({ op: 'press', key, window }),
    drag: (from: { x: number; y: number }, to: { x: number; y: number }) => send({ op: 'drag', from, to, window }),
  };
}

export type WindowUi = ReturnType<typeof windowUi>;

export const ui = {
  ...windowUi(),
  /** Use through acrossRestart (restart.ts): the calling extension host does not survive it. */
  killExtensionHost: (pid: number) => send({ op: 'killExtensionHost', pid }),
  /** Opens (or reloads) a second window on the same workspace, or on `workspaceFile`; drive it through ui.second. */
  openSecondWindow: (workspaceFile?: string) => send({ op: 'openSecondWindow', workspaceFile }),
  /** SIGKILLs the second window's extension host (never the one running the tests); reload it with openSecondWindow. */
  killSecondWindowExtensionHost: () => send({ op: 'killExtensionHost', window: 'second' }),
  closeSecondWindow: () => send({ op: 'closeSecondWindow' }),
  second: windowUi('second'),
};
