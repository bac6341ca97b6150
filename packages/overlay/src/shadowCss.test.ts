import { describe, expect, it } from 'vitest';
import { shadowSafeCss } from './shadowCss.ts';

// Shaped like Tailwind 4's minified output.
const TAILWIND_LIKE = [
  '@layer properties;',
  '@layer theme{:root,:host{--spacing:.25rem;--text-xs:.75rem;--radius-md:.375rem}}',
  '@layer utilities{.mt-2{margin-top:calc(var(--spacing)*2)}.w-\\[11rem\\]{width:11rem}',
  '.grid-cols-\\[minmax\\(0\\,1fr\\)_minmax\\(0\\,11rem\\)_4\\.5rem\\]{grid-template-columns:minmax(0,1fr) minmax(0,11rem) 4.5rem}',
  '.-m-1{margin:-.5rem 1rem!important}.shadow{box-shadow:var(--tw-shadow)}}',
  '@media (min-width:40rem){.sm\\:p-4{padding:1rem}}',
  '@property --tw-shadow{syntax:"*";inherits:false;initial-value:0 0 #0000}',
  '@property --tw-ring-color{syntax:"*";inherits:false}',
].join('');

describe('shadowSafeCss', () => {
  const out = shadowSafeCss(TAILWIND_LIKE);

  it('turns @property rules into defaults in the lowest layer', () => {
    expect(out).not.toContain('@property');
    expect(out.startsWith('@layer properties{*,::before,::after,::backdrop{--tw-shadow:0 0 #0000;--tw-ring-color:initial}}')).toBe(true);
  });

  it('turns rem into px in values, never in selectors', () => {
    expect(out).toContain(':host,.spotlight-root{--spacing:4px;--text-xs:12px;--radius-md:6px}');
    expect(out).toContain('.w-\\[11rem\\]{width:176px}');
    expect(out).toContain(
      '.grid-cols-\\[minmax\\(0\\,1fr\\)_minmax\\(0\\,11rem\\)_4\\.5rem\\]{grid-template-columns:minmax(0,1fr) minmax(0,176px) 72px}',
    );
    expect(out).toContain('.-m-1{margin:-8px 16px!important}');
    expect(out).toContain('@media (min-width:640px){.sm\\:p-4{padding:16px}}');
  });

  it('declares the theme on the overlay root too', () => {
    expect(out).not.toContain(':root');
  });

  it('leaves CSS without any of it alone', () => {
    expect(shadowSafeCss('.a{color:red}')).toBe('.a{color:red}');
  });
});
