import { Button, Group, Title } from '@mantine/core';
import { Link, useLocation } from 'wouter';

// One device's or VM's secrets (`/netbox/devices/4`) are the secrets page, filtered.
const PAGES = [
  { href: '/netbox', label: 'Secrets', match: /^\/netbox(\/(devices|vms)\/[^/]+)?\/?$/ },
  { href: '/netbox/devices', label: 'Devices', match: /^\/netbox\/devices\/?$/ },
  { href: '/netbox/vms', label: 'Virtual machines', match: /^\/netbox\/vms\/?$/ },
  { href: '/netbox/keys', label: 'User keys', match: /^\/netbox\/keys\/?$/ },
  { href: '/netbox/roles', label: 'Roles', match: /^\/netbox\/roles\/?$/ },
] as const;

function Item({ href, label, match }: { href: string; label: string; match: RegExp }) {
  const [location] = useLocation();
  const active = match.test(location);
  return (
    <Button
      component={Link}
      href={href}
      size="compact-sm"
      variant={active ? 'light' : 'subtle'}
      aria-current={active ? 'page' : undefined}
    >
      {label}
    </Button>
  );
}

/** The NetBox pages' heading and their sub-navigation. */
export function NetboxHeader({ title }: { title: string }) {
  return (
    <>
      <Title order={1}>{title}</Title>
      <Group gap="xs" component="nav" aria-label="NetBox">
        {PAGES.map((p) => (
          <Item key={p.href} {...p} />
        ))}
      </Group>
    </>
  );
}
