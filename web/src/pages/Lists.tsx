import { Anchor, Button, Group, Modal, Stack, Table, Text, TextInput, Title } from '@mantine/core';
import { useMutation, useQuery, useQueryClient } from '@tanstack/react-query';
import { useState, type FormEvent } from 'react';
import { Link, useLocation } from 'wouter';
import { lists } from '../api/lists.ts';
import { ErrorAlert, QueryView, formatDate } from '../components/common.tsx';
import { mayList } from '../components/lists/access.ts';
import { useSession } from '../session.tsx';

function NewList({ opened, onClose }: { opened: boolean; onClose: () => void }) {
  const queryClient = useQueryClient();
  const [, navigate] = useLocation();
  const [name, setName] = useState('');
  const create = useMutation({
    mutationFn: () => lists.create(name.trim()),
    onSuccess: async (list) => {
      await queryClient.invalidateQueries({ queryKey: ['lists'] });
      setName('');
      onClose();
      navigate(`/lists/${encodeURIComponent(list.name)}`);
    },
  });
  const submit = (e: FormEvent) => {
    e.preventDefault();
    create.mutate();
  };
  return (
    <Modal opened={opened} onClose={onClose} title="New secret list">
      <form onSubmit={submit}>
        <Stack>
          <TextInput
            label="Name"
            required
            value={name}
            onChange={(e) => setName(e.currentTarget.value)}
            description='Not only digits, no "/"'
            data-autofocus
            maxLength={128}
          />
          {create.isError ? <ErrorAlert error={create.error} title="List not created" /> : null}
          <Group justify="flex-end">
            <Button variant="default" onClick={onClose}>
              Cancel
            </Button>
            <Button type="submit" loading={create.isPending}>
              Create list
            </Button>
          </Group>
        </Stack>
      </form>
    </Modal>
  );
}

/** NetActuate's secret lists the user may view: names, how many values, when they changed. */
export function Lists() {
  const { access } = useSession();
  const all = useQuery({ queryKey: ['lists', 'all'], queryFn: lists.all });
  const [creating, setCreating] = useState(false);
  const mayCreate = mayList(access, 'add');
  return (
    <Stack>
      <Group justify="space-between" wrap="wrap">
        <Title order={1}>Secret lists</Title>
        <Group gap="xs">
          <Button variant="default" component={Link} href="/render">
            Render preview
          </Button>
          {mayCreate ? <Button onClick={() => setCreating(true)}>New list</Button> : null}
        </Group>
      </Group>
      <Text c="dimmed" size="sm">
        Key/value pairs that cloud-init templates reference as <code>{'${{secret.KEY}}'}</code>; a key is unique across
        every list.
      </Text>
      <NewList opened={creating} onClose={() => setCreating(false)} />
      <QueryView query={all} label="secret lists">
        {(found) =>
          found.length === 0 ? (
            <Text c="dimmed">
              No secret lists yet.{' '}
              {mayCreate
                ? 'Create one with "New list", then add its values.'
                : 'Ask an administrator to grant you one (lists.list view).'}
            </Text>
          ) : (
            <div className="hush-table-wrap">
              <Table highlightOnHover aria-label="Secret lists">
                <Table.Thead>
                  <Table.Tr>
                    <Table.Th>Name</Table.Th>
                    <Table.Th>Values</Table.Th>
                    <Table.Th className="hush-hide-narrow">Changed</Table.Th>
                  </Table.Tr>
                </Table.Thead>
                <Table.Tbody>
                  {found.map((l) => (
                    <Table.Tr key={l.id}>
                      <Table.Td>
                        <Anchor component={Link} href={`/lists/${encodeURIComponent(l.name)}`}>
                          {l.name}
                        </Anchor>
                      </Table.Td>
                      <Table.Td>{l.value_count}</Table.Td>
                      <Table.Td className="hush-hide-narrow">{formatDate(l.updated_at)}</Table.Td>
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
