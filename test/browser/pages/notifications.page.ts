import type { Page } from 'playwright-core';
import { BasePage } from './base-page';

export class NotificationsPage extends BasePage {
  static async open(page: Page): Promise<NotificationsPage> {
    await page.goto('/notifications');
    return new NotificationsPage(page);
  }

  async messages(): Promise<string[]> {
    return this.page.locator('.govuk-table__body .govuk-table__row a').allInnerTexts();
  }
}
