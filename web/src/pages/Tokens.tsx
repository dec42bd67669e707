import { Badge, Button, Code, Group, Select, Stack, Table, Text, Title, VisuallyHidden } from '@mantine/core';
import { useQuery, useQueryClient } from '@tanstack/react-query';
import { useState } from 'react';
import { api } from '../api/client.ts';
import { unwrap } from '../api/errors.ts';
import { NewTokenForm, TOKENS } from '../components/admin/NewTokenForm.tsx';
import { ConfirmButton, QueryView, formatDate } from '../components/common.tsx';
import { can, useSession } from '../session.tsx';

const EVERYONE = 'all';

/**
 * API tokens, for scripts, the CLI and the engines' own clients: the signed-in user's own and, for holders of
 * `users.token` view, everyone's (revoking those needs `users.token` delete; the server checks each).
 */
export function Tokens() {
  const { me, access } = useSession();
  const queryClient = useQueryClient();
  const [creating, setCreating] = useState(false);
  const seesOthers = access.object_types
    .find((t) => t.name === 'users.token')
    ?.actions.some((a) => a.action === 'view' && a.reach === 'all');
  const [whose, setWhose] = useState(String(me.user.id));
  const mayRevokeOthers = can(access, 'users.token', 'delete');
  const tokens = useQuery({
    queryKey: [...TOKENS, whose],
    queryFn: async () =>
      unwrap(
        await api.GET('/api/users/tokens/', {
          params: { query: { ...(whose === EVERYONE ? {} : { user_id: Number(whose) }), limit: '1000' } },
        }),
      ).results,
  });

  return (
    <Stack>
      <Group justify="space-between">
        <Title order={1}>API tokens</Title>
        <Button onClick={() => setCreating(true)}>New token</Button>
      </Group>
      <Text c="dimmed" size="sm">
        Send a token as <Code>Authorization: Token …</Code> (or <Code>Bearer …</Code>); it acts as you, with your
        permissions.
      </Text>
      {seesOthers ? (
        <Select
          label="Whose tokens"
          data={[
            { value: String(me.user.id), label: 'Yours' },
            { value: EVERYONE, label: "Everyone's" },
          ]}
          value={whose}
          onChange={(v) => setWhose(v ?? String(me.user.id))}
          allowDeselect={false}
          className="hush-narrow-field"
        />
      ) : null}
      <NewTokenForm opened={creating} onClose={() => setCreating(false)} />
      <QueryView query={tokens} label="your tokens">
        {(list) =>
          list.length === 0 ? (
            <Text c="dimmed">
              {whose === EVERYONE ? 'Nobody has a token.' : 'You have no tokens.'} Create one for a script or service
              with "New token".
            </Text>
          ) : (
            <div className="hush-table-wrap">
              <Table highlightOnHover aria-label={whose === EVERYONE ? "Everyone's API tokens" : 'Your API tokens'}>
                <Table.Thead>
                  <Table.Tr>
                    <Table.Th>Token</Table.Th>
                    {whose === EVERYONE ? <Table.Th>Owner</Table.Th> : null}
                    <Table.Th>Description</Table.Th>
                    <Table.Th className="hush-hide-narrow">Created</Table.Th>
                    <Table.Th>Expires</Table.Th>
                    <Table.Th className="hush-hide-narrow">Last used</Table.Th>
                    <Table.Th>Access</Table.Th>
                    <Table.Th>
                      <VisuallyHidden>Actions</VisuallyHidden>
                    </Table.Th>
                  </Table.Tr>
                </Table.Thead>
                <Table.Tbody>
                  {list.map((t) => (
                    <Table.Tr key={t.id} data-token={t.id}>
                      <Table.Td>
                        <Code>{t.display}</Code>
                      </Table.Td>
                      {whose === EVERYONE ? <Table.Td>{t.user.username}</Table.Td> : null}
                      <Table.Td>
                        {t.description || (
                          <Text c="dimmed" size="sm">
                            no description
                          </Text>
                        )}
                      </Table.Td>
                      <Table.Td className="hush-hide-narrow">{formatDate(t.created)}</Table.Td>
                      <Table.Td>{t.expires ? formatDate(t.expires) : 'never'}</Table.Td>
                      <Table.Td className="hush-hide-narrow">{formatDate(t.last_used)}</Table.Td>
                      <Table.Td>
                        <Group gap={4}>
                          <Badge variant="light" color={t.write_enabled ? 'orange' : 'gray'}>
                            {t.write_enabled ? 'read and write' : 'read only'}
                          </Badge>
                          {t.engine ? <Badge variant="light">{t.engine} only</Badge> : null}
                        </Group>
                      </Table.Td>
                      <Table.Td>
                        {t.user.id === me.user.id || mayRevokeOthers ? (
                          <ConfirmButton
                            label="Revoke"
                            ariaLabel={`Revoke token ${t.display}`}
                            title="Revoke this token?"
                            message={`Token ${t.display}${t.description ? ` (${t.description})` : ''} stops working at once, for every script that uses it.`}
                            confirm="Revoke token"
                            onConfirm={async () => {
                              unwrap(await api.DELETE('/api/users/tokens/{id}/', { params: { path: { id: t.id } } }));
                              await queryClient.invalidateQueries({ queryKey: TOKENS });
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
