import * as vscode from 'vscode';
import type { LocalAgentApi } from '../../core/api';
import { CommandId } from '../shared/commandIds';
import { DisposableStore } from '../../core/util/disposableStore';
import { errorMessage } from '../shared/errors';

const SECTION = 'agentThreads.localApi';
const INFO_COMMAND = CommandId.showLocalApiInfo;

/**
 * Starts and stops the opt-in local agent API as `agentThreads.localApi.enabled` / `.port` change, shows a status
 * bar item while it runs, and gives the user its address and token on request. The token is made fresh at every
 * start and lives only in memory: it is never logged and never written to settings.
 */
export class LocalApiController implements vscode.Disposable {
  private readonly item = vscode.window.createStatusBarItem('agentThreads.localApi', vscode.StatusBarAlignment.Right, 100);
  private readonly subscriptions = new DisposableStore();
  /** Applies setting changes one at a time, so a quick off/on never races a start against a stop. */
  private applying: Promise<void> = Promise.resolve();
  /** Made when the API is first turned on: most windows never serve it, so activation does not build its routes. */
  private api: LocalAgentApi | undefined;

  constructor(
    private readonly createApi: () => LocalAgentApi,
    private readonly log: vscode.LogOutputChannel,
  ) {
    this.item.name = 'Agent Threads local API';
    this.item.text = vscode.l10n.t('$(plug) Agent API');
    this.item.command = INFO_COMMAND;
    this.subscriptions.add(
      vscode.workspace.onDidChangeConfiguration((event) => {
        if (event.affectsConfiguration(SECTION)) this.schedule();
      }),
    );
    this.subscriptions.add(vscode.commands.registerCommand(INFO_COMMAND, () => this.showInfo()));
    this.schedule();
  }

  private schedule(): void {
    this.applying = this.applying.then(() => this.apply());
  }

  private async apply(): Promise<void> {
    const settings = vscode.workspace.getConfiguration(SECTION);
    const enabled = settings.get<boolean>('enabled', false);
    const port = settings.get<number>('port', 0);
    await this.api?.stop();
    this.item.hide();
    if (!enabled) return;
    try {
      const { url } = await (this.api ??= this.createApi()).start({ port });
      this.log.info(`Local agent API listening on ${url} (run "Agent Threads: Show Local API Address and Token" for the token).`);
      this.item.tooltip = vscode.l10n.t('Local agent API on {0} — click for the address and token', url);
      this.item.show();
    } catch (error) {
      const detail = errorMessage(error);
      this.log.error(`The local agent API could not start: ${detail}`);
      // A notice: nothing waits for the user to dismiss it.
      void vscode.window.showErrorMessage(
        vscode.l10n.t(
          'The local agent API could not start on port {0}: {1}. Choose another port in the setting {2}.port (0 picks a free one).',
          port || 'any',
          detail,
          SECTION,
        ),
      );
    }
  }

  private async showInfo(): Promise<void> {
    await this.applying;
    const address = this.api?.current;
    if (!address) {
      const enable = 'Enable Local API';
      const choice = await vscode.window.showInformationMessage(
        vscode.l10n.t('The local agent API is off. It lets scripts using the openai package drive your agents and threads.'),
        enable,
      );
      if (choice === enable) await vscode.workspace.getConfiguration(SECTION).update('enabled', true, vscode.ConfigurationTarget.Global);
      return;
    }
    const copyToken = 'Copy Token';
    const copyUrl = 'Copy URL';
    const choice = await vscode.window.showInformationMessage(
      vscode.l10n.t(
        "Local agent API: {0} — use it as the openai package's baseURL, with the token as apiKey. A new token is made each time the API starts.",
        address.url,
      ),
      copyToken,
      copyUrl,
    );
    if (choice === copyToken) await vscode.env.clipboard.writeText(address.token);
    if (choice === copyUrl) await vscode.env.clipboard.writeText(address.url);
  }

  dispose(): void {
    this.subscriptions.dispose();
    this.item.dispose();
    void this.api?.stop(); // cannot fail; disposal cannot wait for open connections to close
  }
}
