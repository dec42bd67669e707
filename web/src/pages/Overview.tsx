import { Anchor, Badge, Card, Group, List, Stack, Text, Title } from '@mantine/core';
import { useQuery } from '@tanstack/react-query';
import { Link } from 'wouter';
import { api } from '../api/client.ts';
import { unwrap } from '../api/errors.ts';
import { RecentActivity } from '../components/admin/RecentActivity.tsx';
import { ErrorAlert } from '../components/common.tsx';
import { can, useSession, type Access } from '../session.tsx';

/**
 * Engines by the app label of their permission object types (`phase.app` → Phase), the name their figures have in
 * `GET /api/users/me/overview/`, and the page those figures link to.
 */
const ENGINES: { name: string; labels: string[]; what: string; engine?: string; href?: string }[] = [
  { name: 'Phase', labels: ['phase'], what: 'apps, environments and secrets', engine: 'phase', href: '/phase' },
  { name: 'Secret lists', labels: ['lists'], what: 'lists and their values', engine: 'lists', href: '/lists' },
  {
    name: 'NetBox secrets',
    labels: ['netbox_secrets', 'dcim', 'virtualization'],
    what: 'secrets by device and role',
    engine: 'netbox',
    href: '/netbox',
  },
  {
    name: 'Passbolt',
    labels: ['passbolt'],
    what: 'resources shared by OpenPGP',
    engine: 'passbolt',
    href: '/passbolt',
  },
  { name: 'Administration', labels: ['users', 'core'], what: 'users, tokens, permissions, audit log' },
];

type Counts = { what: string; count: number }[];

type Reach = { type: string; description: string; actions: { action: string; reach: string; count: number }[] };

function reachOf(access: Access, labels: string[]): Reach[] {
  return access.object_types
    .filter((t) => labels.includes(t.name.split('.')[0] ?? ''))
    .map((t) => ({
      type: t.name,
      description: t.description,
      actions: t.actions
        .filter((a) => a.reach !== 'none')
        .map((a) => ({ action: a.action, reach: a.reach, count: a.object_ids.length })),
    }))
    .filter((t) => t.actions.length > 0);
}

function ReachList({ reach }: { reach: Reach[] }) {
  if (!reach.length)
    return <Text c="dimmed">Nothing granted to you here yet: ask an administrator for a permission.</Text>;
  return (
    <List size="sm" spacing={4}>
      {reach.map((r) => (
        <List.Item key={r.type}>
          <Text span fw={500} size="sm">
            {r.type}
          </Text>
          :{' '}
          {r.actions
            .map((a) =>
              a.reach === 'all' ? a.action : `${a.action} (${a.count} ${a.count === 1 ? 'object' : 'objects'})`,
            )
            .join(', ')}
        </List.Item>
      ))}
    </List>
  );
}

/** "3 apps, 5 environments": what the server counted for the caller in one engine, linked to its page. */
function EngineCounts({ counts, href }: { counts: Counts; href: string }) {
  const text = counts.map((c) => `${c.count} ${c.count === 1 ? c.what.replace(/s$/, '') : c.what}`).join(', ');
  return (
    <Text size="sm">
      <Anchor component={Link} href={href}>
        {text}
      </Anchor>{' '}
      you can see.
    </Text>
  );
}

/** Who you are, what you can reach in each engine, how the server is and, for auditors, what happened last. */
export function Overview() {
  const { me, access } = useSession();
  const overview = useQuery({
    queryKey: ['overview'],
    queryFn: async () => unwrap(await api.GET('/api/users/me/overview/')),
  });
  const countsOf = (engine: string | undefined) => overview.data?.engines.find((e) => e.engine === engine)?.counts;
  const status = useQuery({ queryKey: ['status'], queryFn: async () => unwrap(await api.GET('/api/status/')) });
  const ready = useQuery({
    queryKey: ['readyz'],
    queryFn: async () => {
      const { data, response } = await api.GET('/readyz');
      // 503 carries the same body: the server answers, its database does not.
      return (
        data ?? {
          status: 'unavailable',
          database: '',
          problem: response.status === 503 ? 'database unavailable' : `answered ${response.status}`,
        }
      );
    },
    refetchInterval: 30_000,
  });

  return (
    <Stack>
      <Title order={1}>Overview</Title>
      <div className="hush-cards">
        <Card withBorder>
          <Title order={2} size="h4" mb="xs">
            You
          </Title>
          <Text>
            Signed in as <strong>{me.user.username}</strong>
            {me.user.is_superuser ? ' (superuser: every permission)' : ''}.
          </Text>
          <Text size="sm" c="dimmed">
            The console signs you out after {Math.round(access.idle_timeout_seconds / 60)} minutes without activity.
          </Text>
        </Card>
        <Card withBorder>
          <Title order={2} size="h4" mb="xs">
            Server
          </Title>
          {status.isError ? <ErrorAlert error={status.error} title="No status" /> : null}
          <Stack gap={4}>
            <Group gap="xs">
              <Text size="sm">Health:</Text>
              {ready.data ? (
                <Badge color={ready.data.status === 'ready' ? 'green' : 'red'} variant="light">
                  {ready.data.status === 'ready' ? 'ready' : (ready.data.problem ?? 'unavailable')}
                </Badge>
              ) : (
                <Text size="sm">checking…</Text>
              )}
            </Group>
            {status.data ? (
              <>
                <Text size="sm">Hush {status.data['hush-version']}</Text>
                <Text size="sm">Database: {status.data.database}</Text>
                <Text size="sm">Engines: {status.data.engines.join(', ')}</Text>
              </>
            ) : null}
          </Stack>
        </Card>
        {can(access, 'core.auditlog', 'view') ? (
          <Card withBorder>
            <Title order={2} size="h4" mb="xs">
              Recent activity
            </Title>
            <RecentActivity />
          </Card>
        ) : null}
      </div>
      <Title order={2} size="h3">
        What you can reach
      </Title>
      {overview.isError ? <ErrorAlert error={overview.error} title="Could not count what you can reach" /> : null}
      <div className="hush-cards">
        {ENGINES.map((engine) => {
          const reach = reachOf(access, engine.labels);
          const counts = countsOf(engine.engine);
          return (
            <Card withBorder key={engine.name}>
              <Title order={3} size="h4" mb={4}>
                {engine.name}
              </Title>
              <Text size="xs" c="dimmed" mb="xs">
                {engine.what}
              </Text>
              {counts && engine.href ? <EngineCounts counts={counts} href={engine.href} /> : null}
              {me.user.is_superuser ? (
                <Text size="sm">Everything: you are a superuser.</Text>
              ) : (
                <ReachList reach={reach} />
              )}
            </Card>
          );
        })}
      </div>
    </Stack>
  );
}
