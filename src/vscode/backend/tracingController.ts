import * as vscode from 'vscode';
import { noopTracer, SwitchableTracer } from '../../core/util/tracing';
import { DisposableStore } from '../../core/util/disposableStore';
import { errorMessage } from '../shared/errors';
import type { ExportingTracer } from './tracing/otelTracer';

const SECTION = 'agentThreads.tracing';

/** What the tracing settings say, read from the user's settings only. */
export interface TracingSettings {
  endpoint: string;
  captureContent: boolean;
}

/**
 * The tracing settings as the user set them. Both are application-scoped, and only the user (global) value is read
 * even so: a repository's .vscode/settings.json must not be able to send your runs, or their text, elsewhere.
 */
export function readTracingSettings(config: Pick<vscode.WorkspaceConfiguration, 'inspect'>): TracingSettings {
  const endpoint = config.inspect<string>('endpoint')?.globalValue;
  const captureContent = config.inspect<boolean>('captureContent')?.globalValue;
  return { endpoint: typeof endpoint === 'string' ? endpoint.trim() : '', captureContent: captureContent === true };
}

/** The OpenTelemetry tracer and its packages, loaded the first time tracing is turned on. */
function loadOtel(): typeof import('./tracing/otelTracer') {
  // (The extension bundle maps this require to dist/tracing.js; see esbuild.mjs.)
  // eslint-disable-next-line @typescript-eslint/no-require-imports -- a lazy load that esbuild maps to a bundle of its own
  return require('./tracing/otelTracer') as typeof import('./tracing/otelTracer');
}

/** Turns run tracing on and off as `agentThreads.tracing.*` change; the engine always holds `tracer`. */
export class TracingController implements vscode.Disposable {
  readonly tracer = new SwitchableTracer();
  private exporting: ExportingTracer | undefined;
  private readonly subscriptions = new DisposableStore();
  /** Applies setting changes one at a time, so an old exporter has flushed before a new one starts. */
  private applying: Promise<void> = Promise.resolve();

  constructor(
    private readonly log: vscode.LogOutputChannel,
    private readonly serviceVersion: string,
  ) {
    this.subscriptions.add(
      vscode.workspace.onDidChangeConfiguration((event) => {
        if (event.affectsConfiguration(SECTION)) this.schedule();
      }),
    );
    this.schedule();
  }

  /** Settles when the settings read last are in force (tests wait for it after changing them). */
  whenApplied(): Promise<void> {
    return this.applying;
  }

  dispose(): void {
    this.subscriptions.dispose();
    this.tracer.use(noopTracer);
    // Spans still waiting in a batch are sent on the way out; nothing can wait for it at shutdown.
    void this.exporting?.shutdown().catch(() => undefined);
  }

  private schedule(): void {
    this.applying = this.applying.then(() => this.apply());
  }

  private async apply(): Promise<void> {
    const settings = readTracingSettings(vscode.workspace.getConfiguration(SECTION));
    const previous = this.exporting;
    this.exporting = undefined;
    if (previous) {
      this.tracer.use(noopTracer);
      await previous.shutdown().catch((error: unknown) => this.log.warn(`Could not send the last traces: ${errorMessage(error)}`));
    }
    if (!settings.endpoint) return;
    try {
      this.exporting = loadOtel().createOtelTracer({ ...settings, serviceVersion: this.serviceVersion });
      this.tracer.use(this.exporting);
      this.log.info(`Tracing runs to ${settings.endpoint} (${settings.captureContent ? 'with' : 'without'} message content).`);
    } catch (error) {
      this.log.error(`Tracing could not start: ${errorMessage(error)}`);
      void vscode.window.showErrorMessage(
        vscode.l10n.t('Run tracing could not start: {0}. Check the setting {1}.endpoint.', errorMessage(error), SECTION),
      );
    }
  }
}
