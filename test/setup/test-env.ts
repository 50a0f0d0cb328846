/** Names shared by the global setup (which prepares the migrated database once) and each test file. */
export const TEMPLATE_DB_ENV = 'SCRUTINY_TEST_TEMPLATE_DB';
export const PGLITE_SNAPSHOT_ENV = 'SCRUTINY_TEST_PGLITE_SNAPSHOT';
export const TEST_DB_PREFIX = 'scrutiny_test_';

export function databaseUrlWithName(url: string, name: string): string {
  const parsed = new URL(url);
  parsed.pathname = `/${name}`;
  return parsed.toString();
}
