import {
  Anchor,
  Badge,
  Button,
  Checkbox,
  Group,
  Modal,
  Stack,
  Table,
  Text,
  TextInput,
  Textarea,
  Title,
} from '@mantine/core';
import { useMutation, useQuery, useQueryClient } from '@tanstack/react-query';
import { useState, type FormEvent } from 'react';
import { Link, useLocation } from 'wouter';
import { phase } from '../api/phase.ts';
import { ErrorAlert, QueryView, formatDate } from '../components/common.tsx';
import { can, useSession } from '../session.tsx';

function NewApp({ opened, onClose }: { opened: boolean; onClose: () => void }) {
  const queryClient = useQueryClient();
  const [, navigate] = useLocation();
  const [name, setName] = useState('');
  const [description, setDescription] = useState('');
  const [sse, setSse] = useState(true);
  const create = useMutation({
    mutationFn: phase.createApp,
    onSuccess: async (app) => {
      await queryClient.invalidateQueries({ queryKey: ['phase', 'apps'] });
      onClose();
      setName('');
      setDescription('');
      setSse(true);
      navigate(`/phase/${app.id}`);
    },
  });
  const submit = (e: FormEvent) => {
    e.preventDefault();
    create.mutate({ name: name.trim(), description, sseEnabled: sse });
  };
  return (
    <Modal opened={opened} onClose={onClose} title="New Phase app">
      <form onSubmit={submit}>
        <Stack>
          <TextInput
            label="Name"
            required
            value={name}
            onChange={(e) => setName(e.currentTarget.value)}
            data-autofocus
            maxLength={64}
          />
          <Textarea
            label="Description"
            value={description}
            onChange={(e) => setDescription(e.currentTarget.value)}
            autosize
            minRows={2}
          />
          <Checkbox
            label="Server-side encryption (SSE)"
            description="On: the server can read the secrets for the REST API and this console. Off: end-to-end encrypted, read only by Phase's CLI and SDKs. Chosen once: the API cannot switch it later."
            checked={sse}
            onChange={(e) => setSse(e.currentTarget.checked)}
          />
          <Text size="xs" c="dimmed">
            Created with Development, Staging and Production environments.
          </Text>
          {create.isError ? <ErrorAlert error={create.error} title="App not created" /> : null}
          <Group justify="flex-end">
            <Button variant="default" onClick={onClose}>
              Cancel
            </Button>
            <Button type="submit" loading={create.isPending}>
              Create app
            </Button>
          </Group>
        </Stack>
      </form>
    </Modal>
  );
}

/** The Phase apps the signed-in user can see. */
export function PhaseApps() {
  const { access } = useSession();
  const apps = useQuery({ queryKey: ['phase', 'apps'], queryFn: phase.apps });
  const [creating, setCreating] = useState(false);
  const mayCreate = can(access, 'phase.app', 'add');

  return (
    <Stack>
      <Group justify="space-between">
        <Title order={1}>Phase apps</Title>
        {mayCreate ? <Button onClick={() => setCreating(true)}>New app</Button> : null}
      </Group>
      <NewApp opened={creating} onClose={() => setCreating(false)} />
      <QueryView query={apps} label="Phase apps">
        {(list) =>
          list.length === 0 ? (
            <Text c="dimmed">
              No apps yet.{' '}
              {mayCreate
                ? 'Create one with "New app": it comes with Development, Staging and Production.'
                : 'Ask an administrator to grant you one (phase.app view).'}
            </Text>
          ) : (
            <div className="hush-table-wrap">
              <Table highlightOnHover>
                <Table.Thead>
                  <Table.Tr>
                    <Table.Th>Name</Table.Th>
                    <Table.Th>Description</Table.Th>
                    <Table.Th>Encryption</Table.Th>
                    <Table.Th className="hush-hide-narrow">Created</Table.Th>
                  </Table.Tr>
                </Table.Thead>
                <Table.Tbody>
                  {list.map((app) => (
                    <Table.Tr key={app.id}>
                      <Table.Td>
                        <Anchor component={Link} href={`/phase/${app.id}`}>
                          {app.name}
                        </Anchor>
                      </Table.Td>
                      <Table.Td>{app.description}</Table.Td>
                      <Table.Td>
                        <Badge variant="light" color={app.sseEnabled ? 'green' : 'gray'}>
                          {app.sseEnabled ? 'server-side' : 'end-to-end only'}
                        </Badge>
                      </Table.Td>
                      <Table.Td className="hush-hide-narrow">{formatDate(app.createdAt)}</Table.Td>
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
