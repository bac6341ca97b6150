// Loaded with `node --import` before the service, as @sentry/node asks: the SDK (no DSN) plus Spotlight.
import * as Sentry from '@sentry/node';
import { init } from '@spotlight/sdk-hooks/node';

init({ sentry: Sentry });
