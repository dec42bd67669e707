import { Badge, Button, Group, Stack, Table, Text, VisuallyHidden } from '@mantine/core';
import { useQuery, useQueryClient } from '@tanstack/react-query';
import { useState } from 'react';
import { api } from '../api/client.ts';
import { unwrap } from '../api/errors.ts';
import { PageHeader } from '../components/admin/PageHeader.tsx';
import { NewUser, ResetPassword, USERS } from '../components/admin/UserForms.tsx';
import { ConfirmButton, QueryView, formatDate } from '../components/common.tsx';
import { can, useSession } from '../session.tsx';

/** Users and service accounts: create, deactivate or reactivate, reset a password, delete. */
export function AdminUsers() {
  const { me, access } = useSession();
  const queryClient = useQueryClient();
  const [creating, setCreating] = useState(false);
  const [resetting, setResetting] = useState<{ id: number; username: string } | null>(null);
  const users = useQuery({
    queryKey: USERS,
    queryFn: async () => unwrap(await api.GET('/api/users/users/', { params: { query: { limit: '1000' } } })).results,
  });
  const mayAdd = can(access, 'users.user', 'add');
  const mayChange = can(access, 'users.user', 'change');
  const mayDelete = can(access, 'users.user', 'delete');
  const superuser = me.user.is_superuser;
  const setActive = async (id: number, active: boolean) => {
    unwrap(await api.PATCH('/api/users/users/{id}/', { params: { path: { id } }, body: { is_active: active } }));
    await queryClient.invalidateQueries({ queryKey: USERS });
  };

  return (
    <Stack>
      <PageHeader
        title="Users"
        intro="People sign in with a password; service accounts use API tokens only. What each may do is set under Permissions."
        action={mayAdd ? <Button onClick={() => setCreating(true)}>New user</Button> : undefined}
      />
      <NewUser opened={creating} onClose={() => setCreating(false)} mayMakeSuperuser={superuser} />
      <ResetPassword user={resetting} onClose={() => setResetting(null)} />
      <QueryView query={users} label="the users">
        {(list) =>
          list.length === 0 ? (
            <Text c="dimmed">No users yet. Create one with "New user".</Text>
          ) : (
            <div className="hush-table-wrap">
              <Table highlightOnHover aria-label="Users">
                <Table.Thead>
                  <Table.Tr>
                    <Table.Th>Username</Table.Th>
                    <Table.Th>Kind</Table.Th>
                    <Table.Th>State</Table.Th>
                    <Table.Th className="hush-hide-narrow">Last sign-in</Table.Th>
                    <Table.Th>
                      <VisuallyHidden>Actions</VisuallyHidden>
                    </Table.Th>
                  </Table.Tr>
                </Table.Thead>
                <Table.Tbody>
                  {list.map((u) => {
                    // Only a superuser may change a superuser's account (the server refuses anyone else).
                    const mayTouch = superuser || !u.is_superuser;
                    const self = u.id === me.user.id;
                    return (
                      <Table.Tr key={u.id} data-user={u.username}>
                        <Table.Td>
                          <Group gap="xs">
                            <Text fw={500}>{u.username}</Text>
                            {u.is_superuser ? <Badge variant="light">superuser</Badge> : null}
                          </Group>
                        </Table.Td>
                        <Table.Td>{u.kind === 'service' ? 'service account' : 'person'}</Table.Td>
                        <Table.Td>
                          <Badge variant="light" color={u.is_active ? 'green' : 'gray'}>
                            {u.is_active ? 'active' : 'deactivated'}
                          </Badge>
                        </Table.Td>
                        <Table.Td className="hush-hide-narrow">{formatDate(u.last_login)}</Table.Td>
                        <Table.Td>
                          <Group gap="xs" wrap="nowrap" justify="flex-end">
                            {mayChange && mayTouch && u.kind === 'person' ? (
                              <Button
                                variant="subtle"
                                size="xs"
                                aria-label={`Reset password of ${u.username}`}
                                onClick={() => setResetting({ id: u.id, username: u.username })}
                              >
                                Reset password
                              </Button>
                            ) : null}
                            {mayChange && mayTouch && !self ? (
                              u.is_active ? (
                                <ConfirmButton
                                  label="Deactivate"
                                  ariaLabel={`Deactivate ${u.username}`}
                                  title={`Deactivate ${u.username}?`}
                                  message={`${u.username} can no longer sign in, and their tokens and sessions stop working until the account is reactivated. Nothing is deleted.`}
                                  confirm="Deactivate"
                                  onConfirm={() => setActive(u.id, false)}
                                />
                              ) : (
                                <Button
                                  variant="subtle"
                                  size="xs"
                                  aria-label={`Reactivate ${u.username}`}
                                  onClick={() => void setActive(u.id, true)}
                                >
                                  Reactivate
                                </Button>
                              )
                            ) : null}
                            {mayDelete && mayTouch && !self ? (
                              <ConfirmButton
                                label="Delete"
                                ariaLabel={`Delete ${u.username}`}
                                title={`Delete ${u.username}?`}
                                message={`The account, its tokens and its sessions are removed for good; the audit log keeps its entries. Deactivate instead to keep them.`}
                                confirm="Delete user"
                                onConfirm={async () => {
                                  unwrap(
                                    await api.DELETE('/api/users/users/{id}/', { params: { path: { id: u.id } } }),
                                  );
                                  await queryClient.invalidateQueries({ queryKey: USERS });
                                }}
                              />
                            ) : null}
                          </Group>
                        </Table.Td>
                      </Table.Tr>
                    );
                  })}
                </Table.Tbody>
              </Table>
            </div>
          )
        }
      </QueryView>
    </Stack>
  );
}
