import { Button, Group, Modal, Stack, Table, Text, TextInput, Textarea, VisuallyHidden } from '@mantine/core';
import { useMutation, useQuery, useQueryClient } from '@tanstack/react-query';
import { useState, type FormEvent } from 'react';
import { netbox } from '../api/netbox.ts';
import { ConfirmButton, ErrorAlert, QueryView } from '../components/common.tsx';
import { NetboxHeader } from '../components/netbox/NetboxNav.tsx';
import { can, useSession } from '../session.tsx';

const T = 'netbox_secrets.secretrole';
const ROLES = ['netbox', 'roles'] as const;
const slugOf = (name: string) =>
  name
    .trim()
    .toLowerCase()
    .replace(/[^a-z0-9_-]+/g, '-')
    .replace(/^-+|-+$/g, '')
    .slice(0, 100);

function NewRole({ opened, onClose }: { opened: boolean; onClose: () => void }) {
  const queryClient = useQueryClient();
  const [name, setName] = useState('');
  const [slug, setSlug] = useState('');
  const [description, setDescription] = useState('');
  const close = () => {
    setName('');
    setSlug('');
    setDescription('');
    create.reset();
    onClose();
  };
  const create = useMutation({
    mutationFn: netbox.createRole,
    onSuccess: async () => {
      await queryClient.invalidateQueries({ queryKey: ROLES });
      close();
    },
  });
  const submit = (e: FormEvent) => {
    e.preventDefault();
    create.mutate({ name: name.trim(), slug: slug || slugOf(name), description });
  };
  return (
    <Modal opened={opened} onClose={close} title="New secret role">
      <form onSubmit={submit}>
        <Stack>
          <TextInput
            label="Name"
            required
            value={name}
            onChange={(e) => setName(e.currentTarget.value)}
            maxLength={100}
            data-autofocus
          />
          <TextInput
            label="Slug"
            description={`Letters, digits, - and _; empty: ${slugOf(name) || 'made from the name'}`}
            value={slug}
            onChange={(e) => setSlug(e.currentTarget.value)}
            maxLength={100}
          />
          <Textarea
            label="Description"
            value={description}
            onChange={(e) => setDescription(e.currentTarget.value)}
            autosize
            minRows={2}
            maxLength={200}
          />
          {create.isError ? <ErrorAlert error={create.error} title="Role not created" /> : null}
          <Group justify="flex-end">
            <Button variant="default" onClick={close}>
              Cancel
            </Button>
            <Button type="submit" loading={create.isPending}>
              Create role
            </Button>
          </Group>
        </Stack>
      </form>
    </Modal>
  );
}

/** Secret roles (what a secret is for: login, SNMP, …), with how many secrets each holds. */
export function NetboxRoles() {
  const { access } = useSession();
  const queryClient = useQueryClient();
  const roles = useQuery({ queryKey: ROLES, queryFn: netbox.roles });
  const [creating, setCreating] = useState(false);
  const mayAdd = can(access, T, 'add');
  const mayDelete = can(access, T, 'delete');
  return (
    <Stack>
      <NetboxHeader title="NetBox secret roles" />
      {mayAdd ? (
        <Group>
          <Button onClick={() => setCreating(true)}>New role</Button>
        </Group>
      ) : null}
      <NewRole opened={creating} onClose={() => setCreating(false)} />
      <QueryView query={roles} label="secret roles">
        {(list) =>
          list.length === 0 ? (
            <Text c="dimmed">
              No roles yet.{' '}
              {mayAdd ? 'Create one with "New role": every secret has a role.' : 'Ask an administrator to create one.'}
            </Text>
          ) : (
            <div className="hush-table-wrap">
              <Table>
                <Table.Thead>
                  <Table.Tr>
                    <Table.Th>Name</Table.Th>
                    <Table.Th>Slug</Table.Th>
                    <Table.Th className="hush-hide-narrow">Description</Table.Th>
                    <Table.Th>Secrets</Table.Th>
                    {mayDelete ? (
                      <Table.Th>
                        <VisuallyHidden>Actions</VisuallyHidden>
                      </Table.Th>
                    ) : null}
                  </Table.Tr>
                </Table.Thead>
                <Table.Tbody>
                  {list.map((r) => (
                    <Table.Tr key={r.id}>
                      <Table.Td>{r.name}</Table.Td>
                      <Table.Td>{r.slug}</Table.Td>
                      <Table.Td className="hush-hide-narrow">{r.description}</Table.Td>
                      <Table.Td>{r.secret_count ?? 0}</Table.Td>
                      {mayDelete ? (
                        <Table.Td>
                          <ConfirmButton
                            label="Delete"
                            ariaLabel={`Delete role ${r.name}`}
                            title={`Delete the role ${r.name}?`}
                            message={
                              r.secret_count
                                ? `${r.secret_count} secrets have this role: the server refuses to delete it until they are moved or deleted.`
                                : 'The role is deleted.'
                            }
                            confirm="Delete role"
                            onConfirm={async () => {
                              await netbox.deleteRole(r.id);
                              await queryClient.invalidateQueries({ queryKey: ROLES });
                            }}
                          />
                        </Table.Td>
                      ) : null}
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
