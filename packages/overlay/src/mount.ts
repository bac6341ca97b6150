import { SHADOW_ROOT_CLASS, shadowSafeCss } from './shadowCss.ts';
import css from './ui/styles.css?inline';

/** The id of the one element the overlay adds to the page. */
export const HOST_ID = 'sentry-spotlight-root';

export interface Mount {
  readonly host: HTMLElement;
  readonly shadow: ShadowRoot;
  /** Where React renders, inside the shadow root. */
  readonly container: HTMLElement;
  /** Removes the host element and with it everything inside. */
  remove(): void;
}

// Inline and `!important`: the page's stylesheets cannot override it, not even `* { ... !important }`.
// `all: initial` stops every inherited property (font, colour, line height...) at the host; the host
// itself takes no room and never catches a click: only the overlay's fixed children do.
const HOST_STYLE = [
  'all: initial',
  'display: block',
  'position: fixed',
  'top: 0',
  'left: 0',
  'width: 0',
  'height: 0',
  'overflow: visible',
  'z-index: 2147483647',
  'contain: style',
]
  .map((declaration) => `${declaration} !important`)
  .join('; ');

// The same reset from inside: for `!important` rules, the shadow tree's win over the page's.
const HOST_RULE = `:host{${HOST_STYLE}}`;

let processedCss: string | undefined;

function overlayCss(): string {
  processedCss ??= `${shadowSafeCss(css)}${HOST_RULE}`;
  return processedCss;
}

function adoptStyles(shadow: ShadowRoot, text: string): void {
  const doc = shadow.ownerDocument;
  const Sheet = doc.defaultView?.CSSStyleSheet;
  if (Sheet && 'adoptedStyleSheets' in shadow && 'replaceSync' in Sheet.prototype) {
    try {
      const sheet = new Sheet();
      sheet.replaceSync(text);
      shadow.adoptedStyleSheets = [sheet];
      return;
    } catch {
      // Older engines: fall through to a <style> element, still inside the shadow root.
    }
  }
  const style = doc.createElement('style');
  style.textContent = text;
  shadow.appendChild(style);
}

/**
 * Creates the host element and its shadow root; the only place that touches the page's DOM.
 * Styles are adopted by the shadow root, never added to the document.
 */
export function mountShadowRoot(doc: Document = document): Mount {
  doc.getElementById(HOST_ID)?.remove();
  const host = doc.createElement('div');
  host.id = HOST_ID;
  host.setAttribute('style', HOST_STYLE);
  // Screen readers and translation tools treat it as an app region, not page content.
  host.setAttribute('translate', 'no');
  const shadow = host.attachShadow({ mode: 'open' });
  adoptStyles(shadow, overlayCss());
  const container = doc.createElement('div');
  container.className = SHADOW_ROOT_CLASS;
  shadow.appendChild(container);
  (doc.body ?? doc.documentElement).appendChild(host);
  return {
    host,
    shadow,
    container,
    remove() {
      host.remove();
    },
  };
}
