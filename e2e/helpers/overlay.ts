import type { Locator, Page } from 'playwright-core';
import { expect } from 'vitest';
import { overlay } from './browser.ts';

/** How long a user-visible change may take to show (the SSE hop, a render). */
export const SHOW_TIMEOUT_MS = 15_000;

/** Waits until `read()` gives `expected`, and fails with the last value read when it never does. */
export async function eventually<T>(read: () => Promise<T>, expected: T, timeout = SHOW_TIMEOUT_MS): Promise<void> {
  await expect.poll(read, { timeout, interval: 100 }).toEqual(expected);
}

export async function openOverlay(page: Page): Promise<void> {
  await overlay(page).getByTestId('spotlight-trigger').click();
  await overlay(page).getByTestId('spotlight-overlay').waitFor({ state: 'visible' });
}

/** The issue row whose title and subtitle read exactly these texts. */
export function issueRow(page: Page, title: string, subtitle: string): Locator {
  return overlay(page)
    .getByTestId('issue-row')
    .filter({ has: page.getByTestId('issue-title').getByText(title, { exact: true }) })
    .filter({ has: page.getByTestId('issue-subtitle').getByText(subtitle, { exact: true }) });
}

/** The value cell of the row named `key` in one of the overlay's key/value tables. */
export function tableValue(table: Locator, key: string): Locator {
  return table.locator('tr', { has: table.page().locator('th', { hasText: new RegExp(`^${escapeRegExp(key)}$`) }) }).locator('td');
}

function escapeRegExp(text: string): string {
  return text.replace(/[.*+?^${}()|[\]\\]/g, '\\$&');
}

/** Text of a locator, trimmed, or undefined while it is not there. */
export async function textOf(locator: Locator): Promise<string | undefined> {
  if ((await locator.count()) === 0) return undefined;
  return (await locator.first().textContent())?.trim();
}

/** An attribute of a locator, or undefined while it is not there (never waits, unlike `getAttribute`). */
export async function attrOf(locator: Locator, name: string): Promise<string | null | undefined> {
  if ((await locator.count()) === 0) return undefined;
  return locator.first().getAttribute(name);
}
