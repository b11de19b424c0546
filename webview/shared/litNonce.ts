// vscode-elements (Lit) adds <style> elements in browsers without constructable stylesheets; under our strict CSP
// they need the page's nonce. It must be set before any component module runs, so this module is imported first.
declare global {
  interface Window {
    litNonce?: string;
  }
}
const script = document.currentScript as HTMLScriptElement | null;
if (script?.nonce) window.litNonce = script.nonce;
export {};
