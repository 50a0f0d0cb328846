import type { Page } from 'playwright-core';
import { BasePage } from './base-page';

export class SignInPage extends BasePage {
  static async open(page: Page, path = '/sign-in'): Promise<SignInPage> {
    await page.goto(path);
    return new SignInPage(page);
  }

  /** Signs in and waits for the page after it. */
  async signIn(username: string, password: string): Promise<void> {
    await this.page.getByLabel('Username').fill(username);
    await this.page.getByLabel('Password', { exact: true }).fill(password);
    await Promise.all([this.page.waitForNavigation(), this.page.getByRole('button', { name: 'Sign in' }).click()]);
  }
}
