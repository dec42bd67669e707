import {
  Alert,
  Badge,
  Button,
  Code,
  Group,
  Modal,
  Stack,
  Switch,
  Table,
  Text,
  TextInput,
  Title,
  VisuallyHidden,
} from '@mantine/core';
import { useMutation, useQuery, useQueryClient } from '@tanstack/react-query';
import { useState, type FormEvent } from 'react';
import { api } from '../api/client.ts';
import { unwrap } from '../api/errors.ts';
import { ConfirmButton, ErrorAlert, QueryView, copyToClipboard, formatDate } from '../components/common.tsx';
import { useSession } from '../session.tsx';

const TOKENS = ['admin', 'tokens'] as const;

/** A new token's form; the key the server returns is shown once, then only its last characters are ever seen. */
function NewToken({ opened, onClose }: { opened: boolean; onClose: () => void }) {
  const queryClient = useQueryClient();
  const [description, setDescription] = useState('');
  const [expires, setExpires] = useState('');
  const [writeEnabled, setWriteEnabled] = useState(true);
  const [key, setKey] = useState<string | null>(null);
  const create = useMutation({
    mutationFn: async () =>
      unwrap(
        await api.POST('/api/users/tokens/', {
          body: {
            description,
            write_enabled: writeEnabled,
            expires: expires ? new Date(`${expires}T23:59:59`).toISOString() : null,
          },
        }),
      ),
    onSuccess: async (token) => {
      setKey(token.key ?? null);
      await queryClient.invalidateQueries({ queryKey: TOKENS });
    },
  });
  const close = () => {
    // The key leaves memory with the dialog.
    setKey(null);
    setDescription('');
    setExpires('');
    setWriteEnabled(true);
    create.reset();
    onClose();
  };
  const submit = (e: FormEvent) => {
    e.preventDefault();
    create.mutate();
  };
  return (
    <Modal opened={opened} onClose={close} title={key ? 'Your new token' : 'New API token'}>
      {key ? (
        <Stack>
          <Alert color="orange" title="Copy it now">
            This is the only time the token is shown. Store it where your script or service reads its secrets.
          </Alert>
          <Code block className="hush-value" data-testid="new-token">
            {key}
          </Code>
          <Group justify="flex-end">
            <Button variant="default" onClick={() => void copyToClipboard(key, 'The token')}>
              Copy
            </Button>
            <Button onClick={close}>Done</Button>
          </Group>
        </Stack>
      ) : (
        <form onSubmit={submit}>
          <Stack>
            <TextInput
              label="Description"
              value={description}
              onChange={(e) => setDescription(e.currentTarget.value)}
              maxLength={200}
              data-autofocus
              placeholder="What uses it, e.g. CI deploy job"
            />
            <TextInput
              label="Expires"
              type="date"
              value={expires}
              onChange={(e) => setExpires(e.currentTarget.value)}
              description="Leave empty for a token that does not expire"
            />
            <Switch
              label="May change data (write enabled)"
              checked={writeEnabled}
              onChange={(e) => setWriteEnabled(e.currentTarget.checked)}
            />
            {create.isError ? <ErrorAlert error={create.error} title="Token not created" /> : null}
            <Group justify="flex-end">
              <Button variant="default" onClick={close}>
                Cancel
              </Button>
              <Button type="submit" loading={create.isPending}>
                Create token
              </Button>
            </Group>
          </Stack>
        </form>
      )}
    </Modal>
  );
}

/** The signed-in user's own API tokens: for scripts, the CLI and the engines' own clients. */
export function Tokens() {
  const { me } = useSession();
  const queryClient = useQueryClient();
  const [creating, setCreating] = useState(false);
  const tokens = useQuery({
    queryKey: [...TOKENS, me.user.id],
    queryFn: async () =>
      unwrap(await api.GET('/api/users/tokens/', { params: { query: { user_id: me.user.id, limit: '1000' } } }))
        .results,
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
      <NewToken opened={creating} onClose={() => setCreating(false)} />
      <QueryView query={tokens} label="your tokens">
        {(list) =>
          list.length === 0 ? (
            <Text c="dimmed">You have no tokens. Create one for a script or service with "New token".</Text>
          ) : (
            <div className="hush-table-wrap">
              <Table highlightOnHover aria-label="Your API tokens">
                <Table.Thead>
                  <Table.Tr>
                    <Table.Th>Token</Table.Th>
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
                        <Badge variant="light" color={t.write_enabled ? 'orange' : 'gray'}>
                          {t.write_enabled ? 'read and write' : 'read only'}
                        </Badge>
                      </Table.Td>
                      <Table.Td>
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
