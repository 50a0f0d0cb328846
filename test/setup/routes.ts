import { RequestMethod, VERSION_NEUTRAL, type INestApplication } from '@nestjs/common';
import { METHOD_METADATA, PATH_METADATA, VERSION_METADATA } from '@nestjs/common/constants';
import { DiscoveryService, MetadataScanner } from '@nestjs/core';
import { ACCESS_RULE, type AccessRule } from '@scrutiny/auth';

export interface RouteInfo {
  method: string;
  /** Express path with :params, as served. */
  path: string;
  handler: string;
  rule: AccessRule | undefined;
}

const join = (...parts: string[]) =>
  `/${parts
    .map((p) => p.replace(/^\/+|\/+$/g, ''))
    .filter(Boolean)
    .join('/')}`;

/** Every route the application serves, read from Nest's own metadata, with its access rule (if any). */
export function listRoutes(app: INestApplication): RouteInfo[] {
  const discovery = app.get(DiscoveryService);
  const scanner = new MetadataScanner();
  const routes: RouteInfo[] = [];
  for (const wrapper of discovery.getControllers()) {
    const type = wrapper.metatype as (new (...args: unknown[]) => unknown) | undefined;
    // The web workspace's pages have their own guard and tests (test/browser, test/web); this table is the API's.
    if (!type || Reflect.getMetadata('scrutiny:web-controller', type)) continue;
    const base = (Reflect.getMetadata(PATH_METADATA, type) as string | undefined) ?? '';
    const classVersion = Reflect.getMetadata(VERSION_METADATA, type);
    for (const name of scanner.getAllMethodNames(type.prototype)) {
      const fn = (type.prototype as Record<string, unknown>)[name] as object;
      const path = Reflect.getMetadata(PATH_METADATA, fn) as string | undefined;
      if (path === undefined) continue;
      const method = RequestMethod[Reflect.getMetadata(METHOD_METADATA, fn) as number];
      const version = Reflect.getMetadata(VERSION_METADATA, fn) ?? classVersion;
      const prefix = version === VERSION_NEUTRAL ? '' : 'api/v1';
      const rule = (Reflect.getMetadata(ACCESS_RULE, fn) ?? Reflect.getMetadata(ACCESS_RULE, type)) as
        AccessRule | undefined;
      routes.push({ method, path: join(prefix, base, path), handler: `${type.name}.${name}`, rule });
    }
  }
  return routes;
}
