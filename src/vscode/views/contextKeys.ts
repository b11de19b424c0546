import * as vscode from 'vscode';
import type { Backend } from '../../core/backend';
import { LAST_FOUNDRY_ENDPOINT_KEY } from '../backend/backendSelection';
import { DisposableStore } from '../../core/util/disposableStore';

/**
 * The context keys that keep commands where they make sense (`when` clauses in package.json): no Delete Thread in
 * the palette before a thread exists, no Move Thread before a Foundry project was ever connected. They say what is
 * missing (`noThreads`), not what is there: before the extension activates no key is set, and the commands must
 * still show then (choosing one activates the extension).
 */
export class ContextKeys implements vscode.Disposable {
  private readonly subscriptions = new DisposableStore();
  private generation = 0;

  constructor(
    /** The backend in use; `keepsAgentVersions` tells the new agents from the classic ones on Foundry. */
    private readonly backend: Backend & { readonly keepsAgentVersions: boolean },
    private readonly workspaceState: vscode.Memento,
    private readonly log: vscode.LogOutputChannel,
    /** Whether the project of the new agents' backend has classic agents too (asked once per connection). */
    private readonly projectHasClassicAgents: () => Promise<boolean> = async () => false,
  ) {
    const update = (): void => void this.update(); // failures are logged inside
    // Only a thread created or deleted can change `noThreads`; every message and run save is an 'updated', and
    // reading every thread again for each would compete with the run's own writes.
    this.subscriptions.add(backend.threads.onDidChangeThreads(({ type }) => type !== 'updated' && update()));
    this.subscriptions.add(backend.agents.onDidChangeAgents(update));
    update();
  }

  /** Reads the current backend again (after a switch, or when Connect Foundry Project remembered a project). */
  async update(): Promise<void> {
    const generation = ++this.generation;
    try {
      const [agents, threads, classicElsewhere] = await Promise.all([
        this.backend.agents.list(),
        this.backend.threads.list(),
        this.projectHasClassicAgents(),
      ]);
      if (generation !== this.generation) return; // a newer update is on its way
      const otherBackend = this.backend.kind !== 'local' || Boolean(this.workspaceState.get<string>(LAST_FOUNDRY_ENDPOINT_KEY));
      // Foundry without agent versions is the classic API: its agents are classic ones.
      const onClassic = this.backend.kind === 'foundry' && !this.backend.keepsAgentVersions;
      const classicAgents = onClassic ? agents.length > 0 : this.backend.kind === 'foundry' && classicElsewhere;
      await Promise.all([
        // Said the other way round from the keys above: Upgrade Classic Agent is for the few projects that have some.
        vscode.commands.executeCommand('setContext', 'agentThreads.classicAgents', classicAgents),
        vscode.commands.executeCommand('setContext', 'agentThreads.noAgents', agents.length === 0),
        vscode.commands.executeCommand('setContext', 'agentThreads.noThreads', threads.length === 0),
        vscode.commands.executeCommand('setContext', 'agentThreads.noOtherBackend', !otherBackend),
      ]);
    } catch (error) {
      this.log.warn(`Could not update the command contexts: ${String(error)}`);
    }
  }

  dispose(): void {
    this.subscriptions.dispose();
  }
}
