import type { Page } from 'playwright-core';
import type { Role } from '@scrutiny/auth';
import { USERNAME_FOR } from '../../factories/users';
import type { TestApp } from '../../setup/test-app';
import { BasePage } from './base-page';

export class SignInPage extends BasePage {
  static async open(page: Page, path = '/sign-in'): Promise<SignInPage> {
    await page.goto(path);
    return new SignInPage(page);
  }

  /** Opens sign-in and signs in as the demo user of the role, waiting for the page after it. */
  static async signInAs(page: Page, t: TestApp, role: Role): Promise<void> {
    await (await SignInPage.open(page)).signIn(USERNAME_FOR[role], t.config.demo.password);
  }

  /** Signs in and waits for the page after it. */
  async signIn(username: string, password: string): Promise<void> {
    await this.page.getByLabel('Username').fill(username);
    await this.page.getByLabel('Password', { exact: true }).fill(password);
    await Promise.all([this.page.waitForNavigation(), this.page.getByRole('button', { name: 'Sign in' }).click()]);
  }
}
