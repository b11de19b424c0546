import { promises as fs } from 'node:fs';
import { basename, dirname, join } from 'node:path';
import * as vscode from 'vscode';
import {
  findStores,
  gitRemotesOf,
  gitRootCommitsOf,
  type KnownStore,
  mergeStore,
  type MergeReport,
  type MergeTarget,
  type ProjectIdentity,
  recoverInterruptedMerges,
  StoreRegistry,
  storesOfProject,
  threadsMissingFrom,
  countThreads,
  workspaceFileFolders,
} from '../../core/history';
import { errorMessage } from '../../core/util/errors';

/** "Found N threads of this project from another workspace": the store they are in, and how many this one lacks. */
export interface FoundThreadsOffer {
  store: KnownStore;
  missing: number;
}

/** Stores the user chose to ignore, per workspace (the offer names a store; Ignore is remembered for it). */
const IGNORED_KEY = 'agentThreads.ignoredStores';

export interface OtherStoresOptions {
  /** This window's store folder. */
  storePath: string;
  /** ExtensionContext.storageUri's path: its grandparent is VS Code's workspace storage folder. */
  extensionStoragePath: string;
  globalStoragePath: string;
  target: MergeTarget;
  workspaceState: vscode.Memento;
  log: vscode.LogOutputChannel;
}

/**
 * Thread stores of this project in other workspace identities (a folder opened alone and in a multi-root workspace,
 * a moved folder, another profile): records this window's store in the registry, looks for the others, offers them,
 * and merges one on request. All of it runs after activation (see start()).
 */
export class OtherStores implements vscode.Disposable {
  private readonly changed = new vscode.EventEmitter<FoundThreadsOffer | undefined>();
  /** Fires when the offer appears, changes or goes. */
  readonly onDidChangeOffer = this.changed.event;
  private current: FoundThreadsOffer | undefined;
  private readonly registry: StoreRegistry;
  private identityOnce: Promise<ProjectIdentity> | undefined;

  private started = false;
  // A person adds or removes folders; the project is what the workspace holds now.
  private readonly folderChanges = vscode.workspace.onDidChangeWorkspaceFolders(() => {
    this.identityOnce = undefined;
    if (!this.started) return; // start() records and looks with the folders as they are then
    void this.record()
      .then(() => this.check())
      .catch((error: unknown) => this.options.log.warn(`Could not look for threads in other workspaces: ${errorMessage(error)}`));
  });

  constructor(private readonly options: OtherStoresOptions) {
    this.registry = new StoreRegistry(join(options.globalStoragePath, 'stores.json'), options.log);
  }

  get offer(): FoundThreadsOffer | undefined {
    return this.current;
  }

  /** Start-up work: finish or roll back a merge a crash interrupted, record this store, then look for others. */
  async start(): Promise<void> {
    const { log } = this.options;
    this.started = true;
    try {
      for (const recovered of await recoverInterruptedMerges(this.options.target, { logger: log }))
        log.warn(
          recovered.outcome === 'finished'
            ? `Finished a merge from ${recovered.source} that was interrupted.`
            : `Rolled back a merge that was interrupted${recovered.source ? ` (its source ${recovered.source} is gone)` : ''}.`,
        );
    } catch (error) {
      log.error(`Could not finish an interrupted merge: ${errorMessage(error)}`);
    }
    await this.record().catch((error: unknown) => log.warn(`Could not record this store in the store registry: ${errorMessage(error)}`));
    await this.check().catch((error: unknown) => log.warn(`Could not look for threads in other workspaces: ${errorMessage(error)}`));
  }

  /** Looks again for a store of this project with threads this one lacks, and updates the offer. */
  async check(): Promise<FoundThreadsOffer | undefined> {
    const ignored = new Set(this.options.workspaceState.get<string[]>(IGNORED_KEY, []));
    const own = (await countThreads(this.options.storePath)) ?? 0;
    const identity = await this.identity();
    let offer: FoundThreadsOffer | undefined;
    for (const store of storesOfProject({ path: this.options.storePath, identity }, await this.stores())) {
      if (ignored.has(store.path) || store.threadCount <= own) continue;
      const missing = (await threadsMissingFrom(this.options.storePath, store.path)).length;
      if (missing > 0) {
        offer = { store, missing };
        break;
      }
    }
    this.setOffer(offer);
    return offer;
  }

  /** Every store on this machine (this one included). */
  async stores(): Promise<KnownStore[]> {
    return findStores({
      workspaceStorageRoots: await workspaceStorageRoots(this.options.extensionStoragePath),
      extensionFolder: basename(this.options.extensionStoragePath),
      registry: this.registry,
    });
  }

  /** This window's project. */
  identity(): Promise<ProjectIdentity> {
    this.identityOnce ??= projectIdentity();
    return this.identityOnce;
  }

  /** Whether `store` is this window's. */
  isOwn(store: KnownStore): boolean {
    return store.path === this.options.storePath;
  }

  /** Whether `store` is of this window's project. */
  async isOfThisProject(store: KnownStore): Promise<boolean> {
    return storesOfProject({ path: this.options.storePath, identity: await this.identity() }, [store]).length > 0;
  }

  /** Merges a store into this one (see mergeStore), then looks again. */
  async merge(store: KnownStore): Promise<MergeReport> {
    const report = await mergeStore(store.path, this.options.target, {
      copyLabel: vscode.l10n.t('from {0}', store.label),
      logger: this.options.log,
    });
    this.options.log.info(
      `Merged ${store.path}: threads ${report.threads.added.length} added, ${report.threads.extended.length} continued, ` +
        `${report.threads.copied.length} kept as copies, ${report.threads.unchanged.length} already here; ` +
        `agents ${report.agents.added.length} added.${report.problems.length ? ` ${report.problems.join(' ')}` : ''}`,
    );
    await this.record().catch(() => undefined); // the count in the registry; logged at start-up when it fails
    await this.check();
    return report;
  }

  /** Stops offering `store` in this workspace. */
  async ignore(store: KnownStore): Promise<void> {
    const ignored = this.options.workspaceState.get<string[]>(IGNORED_KEY, []);
    await this.options.workspaceState.update(IGNORED_KEY, [...new Set([...ignored, store.path])]);
    if (this.current?.store.path === store.path) this.setOffer(undefined);
  }

  dispose(): void {
    this.folderChanges.dispose();
    this.changed.dispose();
  }

  private setOffer(offer: FoundThreadsOffer | undefined): void {
    const same = offer?.store.path === this.current?.store.path && offer?.missing === this.current?.missing;
    this.current = offer;
    if (!same) this.changed.fire(offer);
  }

  private async record(): Promise<void> {
    await this.registry.record({
      path: this.options.storePath,
      label: vscode.workspace.name ?? basename(this.options.storePath),
      identity: await this.identity(),
      threadCount: (await countThreads(this.options.storePath)) ?? 0,
      seenAt: Date.now(),
    });
  }
}

/**
 * The workspace's folders and workspace file, and the git remotes and root commits of its local folders. A multi-root
 * workspace's folders are read from its file as well: at activation VS Code may not have listed them yet
 * (workspaceFolders is empty then), and without them the workspace would be a project of its own.
 */
async function projectIdentity(): Promise<ProjectIdentity> {
  const file = vscode.workspace.workspaceFile;
  const listed = (vscode.workspace.workspaceFolders ?? []).map((folder) => folder.uri);
  const inFile = file?.scheme === 'file' ? (await workspaceFileFolders(file.fsPath)).map((uri) => vscode.Uri.parse(uri)) : [];
  const folders = [...new Map([...listed, ...inFile].map((uri) => [uri.toString(), uri])).values()];
  const local = folders.filter((uri) => uri.scheme === 'file').map((uri) => uri.fsPath);
  const [remotes, roots] = await Promise.all([
    Promise.all(local.map((path) => gitRemotesOf(path))),
    Promise.all(local.map((path) => gitRootCommitsOf(path))),
  ]);
  return {
    folders: folders.map((uri) => uri.toString()),
    ...(file && file.scheme !== 'untitled' ? { workspaceFile: file.toString() } : {}),
    gitRemotes: [...new Set(remotes.flat())],
    gitRootCommits: [...new Set(roots.flat())],
  };
}

/**
 * VS Code's workspace storage folder (the parent of the one VS Code gave this workspace), and those of the other
 * profiles beside it (`User/workspaceStorage`, `User/profiles/<id>/workspaceStorage`) where they exist.
 */
async function workspaceStorageRoots(extensionStoragePath: string): Promise<string[]> {
  const root = dirname(dirname(extensionStoragePath));
  const parent = dirname(root);
  const user = basename(dirname(parent)) === 'profiles' ? dirname(dirname(parent)) : parent;
  const profiles = await fs.readdir(join(user, 'profiles')).catch(() => [] as string[]);
  return [
    ...new Set([root, join(user, 'workspaceStorage'), ...profiles.map((profile) => join(user, 'profiles', profile, 'workspaceStorage'))]),
  ];
}
