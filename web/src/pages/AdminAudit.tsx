import { Button, Group, Pagination, Stack, Table, Text, VisuallyHidden } from '@mantine/core';
import { keepPreviousData, useQuery } from '@tanstack/react-query';
import { useState } from 'react';
import { api } from '../api/client.ts';
import { unwrap } from '../api/errors.ts';
import { AuditDetails, type AuditEntry } from '../components/admin/AuditDetails.tsx';
import { AuditFilters, type AuditFilter } from '../components/admin/AuditFilters.tsx';
import { PageHeader } from '../components/admin/PageHeader.tsx';
import { VerifyChain } from '../components/admin/VerifyChain.tsx';
import { QueryView, formatDate } from '../components/common.tsx';

const PAGE_SIZE = 50;

/** The audit log, newest first: every change and every read of a secret value, filtered and paged by the server. */
export function AdminAudit() {
  const [filter, setFilter] = useState<AuditFilter>({});
  const [page, setPage] = useState(1);
  const [open, setOpen] = useState<AuditEntry | null>(null);
  const status = useQuery({ queryKey: ['status'], queryFn: async () => unwrap(await api.GET('/api/status/')) });
  const log = useQuery({
    queryKey: ['admin', 'audit', filter, page],
    queryFn: async () =>
      unwrap(
        await api.GET('/api/core/audit-log/', {
          params: { query: { ...filter, limit: String(PAGE_SIZE), offset: String((page - 1) * PAGE_SIZE) } },
        }),
      ),
    placeholderData: keepPreviousData,
  });
  const engines = ['core', ...(status.data?.engines ?? [])];
  const filtered = Object.keys(filter).length > 0;

  return (
    <Stack>
      <PageHeader
        title="Audit log"
        intro="Who changed what and who read which secret, from where; never a secret value. Each entry carries the hash of the one before, so a change to the log is detectable."
      />
      <VerifyChain />
      <AuditFilters
        engines={engines}
        onApply={(f) => {
          setFilter(f);
          setPage(1);
        }}
      />
      <QueryView query={log} label="the audit log">
        {(data) =>
          data.count === 0 ? (
            <Text c="dimmed">
              {filtered ? 'No entry matches these filters; widen them or press Clear.' : 'The log is empty.'}
            </Text>
          ) : (
            <Stack>
              <Text size="sm" aria-live="polite">
                {data.count} {data.count === 1 ? 'entry' : 'entries'}
                {filtered ? ' match' : ''}; page {page} of {Math.ceil(data.count / PAGE_SIZE)}.
              </Text>
              <div className="hush-table-wrap">
                <Table highlightOnHover aria-label="Audit entries">
                  <Table.Thead>
                    <Table.Tr>
                      <Table.Th>Time</Table.Th>
                      <Table.Th>Actor</Table.Th>
                      <Table.Th className="hush-hide-narrow">Engine</Table.Th>
                      <Table.Th>Action</Table.Th>
                      <Table.Th className="hush-hide-narrow">Object</Table.Th>
                      <Table.Th>
                        <VisuallyHidden>Details</VisuallyHidden>
                      </Table.Th>
                    </Table.Tr>
                  </Table.Thead>
                  <Table.Tbody>
                    {data.results.map((e) => (
                      <Table.Tr key={e.seq} data-seq={e.seq} data-action={e.action}>
                        <Table.Td>{formatDate(e.time)}</Table.Td>
                        <Table.Td>{e.actor ? (e.actor.username ?? `user ${e.actor.id}`) : 'system'}</Table.Td>
                        <Table.Td className="hush-hide-narrow">{e.engine}</Table.Td>
                        <Table.Td>{e.action}</Table.Td>
                        <Table.Td className="hush-hide-narrow hush-value">
                          {e.object_type ? `${e.object_type} ${e.object_id ?? ''}` : '—'}
                        </Table.Td>
                        <Table.Td>
                          <Button
                            variant="subtle"
                            size="xs"
                            aria-label={`Details of entry ${e.seq}`}
                            onClick={() => setOpen(e)}
                          >
                            Details
                          </Button>
                        </Table.Td>
                      </Table.Tr>
                    ))}
                  </Table.Tbody>
                </Table>
              </div>
              {data.count > PAGE_SIZE ? (
                <Group justify="center">
                  <Pagination
                    total={Math.ceil(data.count / PAGE_SIZE)}
                    value={page}
                    onChange={setPage}
                    getControlProps={(control) => ({ 'aria-label': `${control} page` })}
                    getItemProps={(n) => ({ 'aria-label': `Page ${n}` })}
                  />
                </Group>
              ) : null}
            </Stack>
          )
        }
      </QueryView>
      <AuditDetails entry={open} onClose={() => setOpen(null)} />
    </Stack>
  );
}
