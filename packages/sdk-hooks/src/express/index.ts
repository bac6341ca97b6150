export { type ErrorPageOptions, spotlightErrorPage } from './error-page.ts';
export { escapeHtml, type OverlayInitOptions, overlayScriptTags } from './error-page-html.ts';
export { FILTERED, isSecretName, SECRET_NAME_PATTERN } from './mask.ts';
export { type OverlayInjectionOptions, spotlightOverlay } from './overlay-injection.ts';
