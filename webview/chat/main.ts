import '../shared/litNonce';
import '@vscode-elements/elements/dist/vscode-badge/index.js';
import '@vscode-elements/elements/dist/vscode-button/index.js';
import '@vscode-elements/elements/dist/vscode-textarea/index.js';
import { onHostMessage, postToHost } from '../shared/host';

const app = document.getElementById('app')!;
app.innerHTML = `
  <header class="chat-header">
    <span class="chat-title">Chat</span>
    <vscode-badge id="connection" variant="counter">connecting…</vscode-badge>
  </header>
  <section id="messages" class="messages" aria-live="polite">
    <p class="empty">Create an agent to start a conversation.</p>
  </section>
  <footer class="composer">
    <vscode-textarea id="input" rows="3" placeholder="Ask an agent… (Enter to send, Shift+Enter for a new line)" disabled></vscode-textarea>
    <vscode-button id="send" icon="send" disabled>Send</vscode-button>
  </footer>`;

const connection = document.getElementById('connection')!;
let nextPingId = 1;
const pending = new Map<number, number>();

function ping(): void {
  const id = nextPingId++;
  pending.set(id, performance.now());
  postToHost({ type: 'ping', id });
}

onHostMessage((message) => {
  switch (message.type) {
    case 'pong': {
      const sentAt = pending.get(message.id);
      pending.delete(message.id);
      connection.textContent = 'connected';
      connection.dataset.state = 'connected';
      connection.title = `Agent Threads ${message.extensionVersion}` + (sentAt === undefined ? '' : ` · ${Math.round(performance.now() - sentAt)} ms`);
      break;
    }
    case 'status':
      connection.textContent = message.text;
      break;
  }
});

postToHost({ type: 'ready' });
ping();
