import { Badge, Button, Code, Group, Stack, Table, Text, VisuallyHidden } from '@mantine/core';
import { useQuery, useQueryClient } from '@tanstack/react-query';
import { useState } from 'react';
import { api } from '../api/client.ts';
import { unwrap } from '../api/errors.ts';
import { GrantForm, PERMISSIONS } from '../components/admin/GrantForm.tsx';
import { PageHeader } from '../components/admin/PageHeader.tsx';
import { ConfirmButton, QueryView } from '../components/common.tsx';
import { can, useSession } from '../session.tsx';

/** Permissions in NetBox's model: actions on object types (or one object), held by users. */
export function AdminPermissions() {
  const { access } = useSession();
  const queryClient = useQueryClient();
  const [granting, setGranting] = useState(false);
  const permissions = useQuery({
    queryKey: PERMISSIONS,
    queryFn: async () =>
      unwrap(await api.GET('/api/users/permissions/', { params: { query: { limit: '1000' } } })).results,
  });
  const mayGrant = can(access, 'users.objectpermission', 'add');
  const mayRevoke = can(access, 'users.objectpermission', 'delete');

  return (
    <Stack>
      <PageHeader
        title="Permissions"
        intro="Superusers may do everything; everyone else only what a permission grants them. You can grant only what you hold yourself."
        action={mayGrant ? <Button onClick={() => setGranting(true)}>Grant a permission</Button> : undefined}
      />
      <GrantForm opened={granting} onClose={() => setGranting(false)} />
      <QueryView query={permissions} label="the permissions">
        {(list) =>
          list.length === 0 ? (
            <Text c="dimmed">
              No permissions yet: only superusers can do anything.
              {mayGrant ? ' Grant one with "Grant a permission".' : ''}
            </Text>
          ) : (
            <div className="hush-table-wrap">
              <Table highlightOnHover aria-label="Permissions">
                <Table.Thead>
                  <Table.Tr>
                    <Table.Th>Name</Table.Th>
                    <Table.Th>Grants</Table.Th>
                    <Table.Th>Users</Table.Th>
                    <Table.Th>
                      <VisuallyHidden>Actions</VisuallyHidden>
                    </Table.Th>
                  </Table.Tr>
                </Table.Thead>
                <Table.Tbody>
                  {list.map((p) => (
                    <Table.Tr key={p.id} data-permission={p.name}>
                      <Table.Td>
                        <Group gap="xs">
                          <Text fw={500}>{p.name}</Text>
                          {p.enabled ? null : <Badge color="gray">disabled</Badge>}
                        </Group>
                      </Table.Td>
                      <Table.Td>
                        <Text size="sm">
                          {p.actions.join(', ')} on{' '}
                          {p.object_types.map((t) => (
                            <Code key={t}>{t}</Code>
                          ))}
                          {p.constraints ? ` (only ${p.constraints.id})` : ''}
                        </Text>
                      </Table.Td>
                      <Table.Td>{p.users.map((u) => u.username).join(', ') || '—'}</Table.Td>
                      <Table.Td>
                        {mayRevoke ? (
                          <ConfirmButton
                            label="Revoke"
                            ariaLabel={`Revoke permission ${p.name}`}
                            title={`Revoke "${p.name}"?`}
                            message={`${p.users.map((u) => u.username).join(', ') || 'Its users'} lose ${p.actions.join(', ')} on ${p.object_types.join(', ')} at once, unless another permission grants it.`}
                            confirm="Revoke permission"
                            onConfirm={async () => {
                              unwrap(
                                await api.DELETE('/api/users/permissions/{id}/', { params: { path: { id: p.id } } }),
                              );
                              await queryClient.invalidateQueries({ queryKey: PERMISSIONS });
                            }}
                          />
                        ) : null}
                      </Table.Td>
                    </Table.Tr>
                  ))}
                </Table.Tbody>
              </Table>
            </div>
          )
        }
      </QueryView>
    </Stack>
  );
}
