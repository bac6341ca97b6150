// Tailwind's output assumes it styles a whole document. Inside a shadow root three things break,
// and this rewrites the CSS text once, before it is adopted:
// 1. `@property` rules are ignored in shadow roots, so the `--tw-*` variables they give initial values
//    to (shadows, rings, transforms) would be unset: their initial values become plain declarations.
// 2. `rem` is relative to the host page's <html> font size (often changed: `62.5%`), so every size
//    would follow the page: rem becomes px (16 px a rem).
// 3. Theme variables sit on `:root, :host`; an aggressive page rule on the host element (`* { --x: y }`)
//    would beat `:host`: they are declared again on the overlay's own root element.

/** The class of the overlay's root element inside the shadow root. */
export const SHADOW_ROOT_CLASS = 'spotlight-root';

const PROPERTY_RULE = /@property\s+(--[\w-]+)\s*\{([^}]*)\}/g;
const INITIAL_VALUE = /initial-value\s*:\s*([^;]*)/;
// Only in values: there `rem` is followed by `;`, `}`, `)`, space, `,`, `/`, `!`, `*`, `+`. In a selector
// (`.w-\[11rem\]`) every such character is escaped, so a `rem` there is followed by a backslash or a word character.
const REM = /(?<![\w\\])(-?(?:\d+\.?\d*|\.\d+))rem(?=[\s;}),/!*+]|$)/g;
const ROOT_SELECTOR = /:root\s*,\s*:host(?=\s*[{,])/g;

function px(rem: number): string {
  const value = Math.round(rem * 16 * 1000) / 1000;
  return `${value}px`;
}

export function shadowSafeCss(css: string): string {
  const initials: string[] = [];
  let out = css.replace(PROPERTY_RULE, (_rule, name: string, body: string) => {
    const initial = INITIAL_VALUE.exec(body)?.[1]?.trim();
    initials.push(`${name}:${initial !== undefined && initial.length > 0 ? initial : 'initial'}`);
    return '';
  });
  out = out.replace(REM, (_match, value: string) => px(Number(value)));
  out = out.replace(ROOT_SELECTOR, `:host,.${SHADOW_ROOT_CLASS}`);
  // A layer named first has the lowest priority: utilities that set these variables still win.
  const defaults = initials.length > 0 ? `@layer properties{*,::before,::after,::backdrop{${initials.join(';')}}}` : '';
  return `${defaults}${out}`;
}
