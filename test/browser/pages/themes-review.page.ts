import type { Page } from 'playwright-core';
import { BasePage } from './base-page';

/** The quarterly themes review page: the review, the meeting record form and the report pack. */
export class ThemesReviewPage extends BasePage {
  static async open(page: Page, quarter: string): Promise<ThemesReviewPage> {
    await page.goto(`/quarterly-review/${quarter}`);
    return new ThemesReviewPage(page);
  }

  chartNames(): Promise<string[]> {
    return this.page
      .locator('svg[role="img"]')
      .evaluateAll((svgs) => svgs.map((s) => s.querySelector('title')?.textContent ?? ''));
  }

  async recordMeeting(attendees: string[], decisions: string): Promise<void> {
    await this.page.getByLabel('Attendees').fill(attendees.join('\n'));
    await this.page.getByLabel('Decisions').fill(decisions);
    await Promise.all([
      this.page.waitForNavigation(),
      this.page.getByRole('button', { name: 'Save meeting record' }).click(),
    ]);
  }

  async raiseAction(values: { kind: string; description: string; owner: string; dueOn: string }): Promise<void> {
    await this.page.getByLabel('Kind of action').selectOption({ label: values.kind });
    await this.page.getByLabel('Action', { exact: true }).fill(values.description);
    await this.page.getByLabel('Owner').fill(values.owner);
    await this.page.getByLabel('Due date').fill(values.dueOn);
    await Promise.all([this.page.waitForNavigation(), this.page.getByRole('button', { name: 'Raise action' }).click()]);
  }

  async generatePack(): Promise<void> {
    await Promise.all([
      this.page.waitForURL(/\/quarterly-review\/packs\//),
      this.page.getByRole('button', { name: 'Generate report pack' }).click(),
    ]);
  }
}

/** The report pack's progress and downloads. */
export class PackPage extends BasePage {
  status(): Promise<string> {
    return this.page.locator('#pack-status').innerText();
  }

  /** Follows "Check progress" until the downloads show (the no-JavaScript way). */
  async checkUntilReady(tries = 100): Promise<void> {
    for (let i = 0; i < tries; i++) {
      if (await this.page.locator('a', { hasText: 'Report (PDF)' }).count()) return;
      await this.page.waitForTimeout(250);
      await Promise.all([
        this.page.waitForNavigation(),
        this.page.getByRole('button', { name: 'Check progress' }).click(),
      ]);
    }
    throw new Error('the pack was not ready');
  }

  /** Downloads a link's file: its suggested name and size. */
  async download(name: string): Promise<{ filename: string; bytes: number }> {
    const [download] = await Promise.all([
      this.page.waitForEvent('download'),
      this.page.getByRole('link', { name, exact: true }).click(),
    ]);
    const path = await download.path();
    const { statSync } = await import('node:fs');
    return { filename: download.suggestedFilename(), bytes: path ? statSync(path).size : 0 };
  }
}
