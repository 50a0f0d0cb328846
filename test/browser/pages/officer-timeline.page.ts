import type { Page } from 'playwright-core';
import { BasePage } from './base-page';

/** An officer's page (/officer-register/:id): their summary and the timeline of events about their records. */
export class OfficerTimelinePage extends BasePage {
  /** Opened from the officer register, by the officer's reference link. */
  static async openFromRegister(page: Page, reference: string): Promise<OfficerTimelinePage> {
    await Promise.all([
      page.waitForURL(/\/officer-register\/[0-9a-f-]{36}$/),
      page.getByRole('link', { name: `${reference} timeline` }).click(),
    ]);
    return new OfficerTimelinePage(page);
  }

  /** The summary list's value for a row, by its key (Officer, Team, Flag). */
  summary(key: string): Promise<string> {
    return this.page
      .locator('.govuk-summary-list__row', { has: this.page.locator('dt', { hasText: key }) })
      .locator('dd')
      .first()
      .innerText();
  }

  /** The timeline's entries, newest first: each event's title and description. */
  async events(): Promise<{ title: string; description: string }[]> {
    const items = this.page.locator('.moj-timeline__item');
    const out: { title: string; description: string }[] = [];
    for (let i = 0; i < (await items.count()); i++) {
      const item = items.nth(i);
      out.push({
        title: (await item.locator('.moj-timeline__title').innerText()).trim(),
        description: (await item.locator('.moj-timeline__description').innerText()).trim(),
      });
    }
    return out;
  }
}
