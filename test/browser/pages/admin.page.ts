import type { Page } from 'playwright-core';
import { BasePage } from './base-page';

/** The administrator's pages (/admin/…): imports, users, the audit trail, failed jobs and the outbox. */
export class AdminPage extends BasePage {
  static async open(page: Page, path = '/admin'): Promise<AdminPage> {
    await page.goto(path);
    return new AdminPage(page);
  }

  /** Fills the upload form and sends it; waits for the import's progress page. */
  async upload(file: string, format: string, force: string): Promise<void> {
    await this.page.getByLabel('Format', { exact: true }).selectOption(format);
    await this.page.getByLabel('Force', { exact: true }).fill(force);
    await this.page.getByLabel('CSV file', { exact: true }).setInputFiles(file);
    await Promise.all([
      this.page.waitForURL(/\/admin\/imports\/[0-9a-f-]{36}/),
      this.page.getByRole('button', { name: 'Upload and import' }).click(),
    ]);
  }

  progressStatus(): Promise<string> {
    return this.page.locator('#import-progress-status').innerText();
  }

  /** The bar's value and maximum (its attributes: the script sets the reflected properties). */
  async progress(): Promise<{ value: number; max: number }> {
    const bar = this.page.locator('#import-progress');
    return { value: Number(await bar.getAttribute('value')), max: Number(await bar.getAttribute('max')) };
  }
}
