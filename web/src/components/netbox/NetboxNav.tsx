import { Button, Group, Title } from '@mantine/core';
import { Link, useRoute } from 'wouter';

const PAGES = [
  { href: '/netbox', label: 'Secrets' },
  { href: '/netbox/keys', label: 'User keys' },
  { href: '/netbox/roles', label: 'Roles' },
] as const;

function Item({ href, label }: { href: string; label: string }) {
  const [active] = useRoute(href);
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
