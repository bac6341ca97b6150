// `sentry-spotlight/express`: Spotlight in place of Express's error page, and the overlay in server-rendered pages.
export * from '@spotlight/sdk-hooks/express';
