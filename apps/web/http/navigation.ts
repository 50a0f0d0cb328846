import { Permission, type Actor } from '@scrutiny/auth';

/** The workspace's sections, each shown to whoever holds its permission (the pages check it again). */
const SECTIONS: { href: string; key: string; permission: Permission }[] = [
  { href: '/reviews', key: 'nav.reviews', permission: Permission.SAMPLES_REVIEW },
  { href: '/samples', key: 'nav.samples', permission: Permission.SAMPLES_DRAW },
  { href: '/footage-at-risk', key: 'nav.footage', permission: Permission.BWV_HOLDS_MANAGE },
  { href: '/sessions', key: 'panels.nav.sessions', permission: Permission.PANELS_PARTICIPATE },
  { href: '/actions', key: 'panels.nav.actions', permission: Permission.PANELS_PARTICIPATE },
  { href: '/explorer', key: 'explorer.nav', permission: Permission.STATS_AGGREGATE },
  { href: '/quarterly-review', key: 'themes.nav', permission: Permission.THEMES_REVIEW },
  { href: '/officer-register', key: 'officers.nav', permission: Permission.OFFICERS_MANAGE },
  { href: '/notifications', key: 'nav.notifications', permission: Permission.SELF },
  { href: '/admin', key: 'admin.nav', permission: Permission.USERS_MANAGE },
];

export function navFor(actor: Actor, path: string): { href: string; key: string; active: boolean }[] {
  return SECTIONS.filter((s) => actor.permissions.has(s.permission)).map((s) => ({
    href: s.href,
    key: s.key,
    active: path === s.href || path.startsWith(`${s.href}/`),
  }));
}
