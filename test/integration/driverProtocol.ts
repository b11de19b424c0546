/**
 * Requests that tests running inside the extension host send to the test driver (which drives the browser that
 * shows the workbench). Shared by both sides so a renamed field is a compile error on both.
 */

/** Where a script runs: the workbench page itself, or the content document of one of our webviews. */
export type DriverTarget = 'workbench' | { webview: 'chat' | 'thread' | 'agent' | 'runDetails'; title?: string };

export type DriverRequest =
  /** Saves a PNG of what a person would see into test-results/screenshots/<name>.png. */
  (
    | { op: 'screenshot'; name: string }
    /** Evaluates a JavaScript expression; with waitForTruthy the driver retries until it is truthy or time runs out. */
    | { op: 'evaluate'; target: DriverTarget; expression: string; waitForTruthy?: boolean; timeoutMs?: number }
    /** Clicks the first element that matches a CSS selector (Playwright pierces open shadow roots); right-click opens context menus. */
    | { op: 'click'; target: DriverTarget; selector: string; timeoutMs?: number; button?: 'left' | 'right' }
    /** Moves the mouse over the first element that matches a CSS selector, as a person pointing at it for its tooltip. */
    | { op: 'hover'; target: DriverTarget; selector: string; timeoutMs?: number }
    /** Types text into the element matching the selector (focuses it first). */
    | { op: 'fill'; target: DriverTarget; selector: string; text: string; timeoutMs?: number }
    /** Drags with the mouse from one point of the page to another, as a person dragging a sash would. */
    | { op: 'drag'; from: { x: number; y: number }; to: { x: number; y: number } }
    /** Presses a key chord on the focused element of the page, e.g. "Enter" or "Control+Shift+P". */
    | { op: 'press'; key: string }
    /**
     * SIGKILLs `pid` after checking it is this code-server's extension host, then reloads the window as a person
     * would when VS Code says it lost the extension host (web workbenches do not restart a remote host by themselves).
     * With `window: 'second'` and no pid: the second window's extension host (the one that started with it), and no
     * reload: the test looks at what the crash left, then reloads that window with openSecondWindow.
     */
    | { op: 'killExtensionHost'; pid?: number }
    /**
     * Opens a second browser page on the same code-server (a second VS Code window, with its own extension host
     * running this extension but not the tests), or reloads it when it is open on the same workspace; resolves once
     * its workbench shows. It opens the tests' workspace folder, or `workspaceFile` (a `.code-workspace` file: a
     * multi-root workspace, which VS Code gives a storage folder of its own).
     */
    | { op: 'openSecondWindow'; workspaceFile?: string }
    | { op: 'closeSecondWindow' }
  ) & {
    /** Act on the second window instead of the first (the one running the tests). */
    window?: 'second';
  };

export type DriverResponse = { ok: true; value?: unknown } | { ok: false; error: string };

/** Environment variable through which the driver tells the extension host where to send requests. */
export const DRIVER_URL_ENV = 'AGENT_THREADS_DRIVER_URL';

/** Environment variable naming the journal that lets tests carry on in the next extension host (restart.ts). */
export const JOURNAL_ENV = 'AGENT_THREADS_TEST_JOURNAL';
