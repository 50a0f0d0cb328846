import * as fs from 'node:fs';
import * as path from 'node:path';
import { PGlite } from '@electric-sql/pglite';
import type { AppConfig, Logger } from '@scrutiny/core';
import { createApiApp } from '../../api/create-api-app';
import { buildOpenApiDocument } from '../../api/openapi';
import type { CliCommand } from '../command';

const DEFAULT_FILE = 'openapi.json';

/** The OpenAPI document as the running API would serve it, built on a throw-away in-memory database. */
export async function renderOpenApi(config: AppConfig, logger: Logger): Promise<string> {
  const pglite = new PGlite();
  const app = await createApiApp(
    {
      ...config,
      database: { kind: 'embedded', dataDir: 'memory://' },
      jobs: { ...config.jobs, kind: 'in-process' } as AppConfig['jobs'],
      heartbeatIntervalMs: 0,
    },
    logger,
    { pglite },
  );
  try {
    await app.init();
    return `${JSON.stringify(buildOpenApiDocument(app), null, 2)}\n`;
  } finally {
    await app.close();
    await pglite.close();
  }
}

export const openApiWriteCommand: CliCommand = {
  name: 'openapi:write',
  usage: 'openapi:write [file]',
  summary: `Write the OpenAPI document (default ${DEFAULT_FILE})`,
  async run(args, { config, logger, out }) {
    const file = path.resolve(args[0] ?? DEFAULT_FILE);
    fs.writeFileSync(file, await renderOpenApi(config, logger));
    out(`Wrote ${file}`);
    return 0;
  },
};

export const openApiCheckCommand: CliCommand = {
  name: 'openapi:check',
  usage: 'openapi:check [file]',
  summary: `Fail if ${DEFAULT_FILE} is not what the code generates (run \`npm run openapi\` to refresh it)`,
  async run(args, { config, logger, out }) {
    const file = path.resolve(args[0] ?? DEFAULT_FILE);
    const current = fs.existsSync(file) ? fs.readFileSync(file, 'utf8') : '';
    if (current === (await renderOpenApi(config, logger))) {
      out(`${path.basename(file)} is up to date.`);
      return 0;
    }
    out(`${path.basename(file)} is stale: run \`npm run openapi\` and commit the result.`);
    return 1;
  },
};
