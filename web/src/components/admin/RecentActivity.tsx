import { Anchor, List, Stack, Text } from '@mantine/core';
import { useQuery } from '@tanstack/react-query';
import { Link } from 'wouter';
import { api } from '../../api/client.ts';
import { unwrap } from '../../api/errors.ts';
import { ErrorAlert, formatDate } from '../common.tsx';
import { VerifyChain } from './VerifyChain.tsx';

const RECENT = 5;

/**
 * The newest audit entries and the chain check, for the overview. The check walks the whole chain, so it runs when
 * asked, not on every visit to the overview.
 */
export function RecentActivity() {
  const log = useQuery({
    queryKey: ['admin', 'audit', 'recent'],
    queryFn: async () =>
      unwrap(await api.GET('/api/core/audit-log/', { params: { query: { limit: String(RECENT) } } })),
  });
  return (
    <Stack gap="xs">
      {log.isPending ? <Text size="sm">Reading the audit log…</Text> : null}
      {log.isError ? <ErrorAlert error={log.error} title="Could not read the audit log" /> : null}
      {log.data ? (
        log.data.results.length ? (
          <List size="sm" spacing={2} aria-label="Recent activity">
            {log.data.results.map((e) => (
              <List.Item key={e.seq}>
                {formatDate(e.time)}: <strong>{e.actor ? (e.actor.username ?? `user ${e.actor.id}`) : 'system'}</strong>{' '}
                {e.action}
                {e.object_type ? ` (${e.object_type}${e.object_id ? ` ${e.object_id}` : ''})` : ''}
              </List.Item>
            ))}
          </List>
        ) : (
          <Text size="sm" c="dimmed">
            Nothing has happened yet.
          </Text>
        )
      ) : null}
      <Text size="sm">
        <Anchor component={Link} href="/audit">
          Every entry, with filters
        </Anchor>
      </Text>
      <VerifyChain />
    </Stack>
  );
}
