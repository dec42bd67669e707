import {
  Anchor,
  Breadcrumbs,
  Button,
  Code,
  Group,
  Modal,
  Stack,
  Table,
  Text,
  TextInput,
  Title,
  VisuallyHidden,
} from '@mantine/core';
import { useMutation, useQuery, useQueryClient } from '@tanstack/react-query';
import { useEffect, useState, type FormEvent } from 'react';
import { Link, useLocation } from 'wouter';
import { lists, type ListValue, type SecretList } from '../api/lists.ts';
import { ConfirmButton, ErrorAlert, QueryView, copyToClipboard, formatDate } from '../components/common.tsx';
import { mayList } from '../components/lists/access.ts';
import { ValueForm } from '../components/lists/ValueForm.tsx';
import { ValueHistory } from '../components/lists/ValueHistory.tsx';
import { MASK } from '../components/phase/SecretRow.tsx';
import { useSession } from '../session.tsx';

function RenameList({ list, opened, onClose }: { list: SecretList; opened: boolean; onClose: () => void }) {
  const queryClient = useQueryClient();
  const [, navigate] = useLocation();
  const [name, setName] = useState(list.name);
  useEffect(() => setName(list.name), [list, opened]);
  const rename = useMutation({
    mutationFn: () => lists.rename(list.name, name.trim()),
    onSuccess: async (renamed) => {
      queryClient.removeQueries({ queryKey: ['lists'] });
      onClose();
      navigate(`/lists/${encodeURIComponent(renamed.name)}`, { replace: true });
    },
  });
  const submit = (e: FormEvent) => {
    e.preventDefault();
    rename.mutate();
  };
  return (
    <Modal opened={opened} onClose={onClose} title={`Rename ${list.name}`}>
      <form onSubmit={submit}>
        <Stack>
          <TextInput
            label="New name"
            required
            value={name}
            onChange={(e) => setName(e.currentTarget.value)}
            data-autofocus
          />
          {rename.isError ? <ErrorAlert error={rename.error} title="Not renamed" /> : null}
          <Group justify="flex-end">
            <Button variant="default" onClick={onClose}>
              Cancel
            </Button>
            <Button type="submit" loading={rename.isPending} disabled={!name.trim() || name.trim() === list.name}>
              Rename
            </Button>
          </Group>
        </Stack>
      </form>
    </Modal>
  );
}

/**
 * One secret list: its values (masked; a hidden value is not in the page), add, edit, delete, a value's history and
 * restore; renaming and deleting the list. The answer holding the values is dropped as soon as the page is left.
 */
export function ListValues({ name }: { name: string }) {
  const { access } = useSession();
  const queryClient = useQueryClient();
  const [, navigate] = useLocation();
  const list = useQuery({ queryKey: ['lists', 'one', name], queryFn: () => lists.read(name) });
  const values = useQuery({
    queryKey: ['lists', 'values', name],
    queryFn: () => lists.values(name),
    enabled: list.isSuccess,
    gcTime: 0,
    staleTime: 0,
  });
  const [revealed, setRevealed] = useState<ReadonlySet<string>>(new Set());
  const [editing, setEditing] = useState<{ value: ListValue | null } | null>(null);
  const [history, setHistory] = useState<ListValue | null>(null);
  const [renaming, setRenaming] = useState(false);
  const id = list.data?.id;
  const mayAdd = id !== undefined && mayList(access, 'add', id);
  const mayChange = id !== undefined && mayList(access, 'change', id);
  const mayDelete = id !== undefined && mayList(access, 'delete', id);
  const toggle = (key: string) =>
    setRevealed((r) => {
      const next = new Set(r);
      if (next.has(key)) next.delete(key);
      else next.add(key);
      return next;
    });

  return (
    <Stack>
      <Breadcrumbs>
        <Anchor component={Link} href="/lists">
          Secret lists
        </Anchor>
        <Text>{name}</Text>
      </Breadcrumbs>
      <QueryView query={list} label="the list">
        {(l) => (
          <>
            <Group justify="space-between" wrap="wrap">
              <Title order={1}>{l.name}</Title>
              <Group gap="xs">
                {mayChange ? (
                  <Button variant="default" onClick={() => setRenaming(true)}>
                    Rename list
                  </Button>
                ) : null}
                {mayDelete ? (
                  <ConfirmButton
                    label="Delete list"
                    size="sm"
                    variant="light"
                    title={`Delete the list ${l.name}?`}
                    message={`${l.name}, its ${l.value_count} values and their history are deleted. Templates referencing them will no longer render.`}
                    confirm="Delete list"
                    onConfirm={async () => {
                      await lists.remove(l.name);
                      queryClient.removeQueries({ queryKey: ['lists'] });
                      navigate('/lists');
                    }}
                  />
                ) : null}
                {mayAdd ? <Button onClick={() => setEditing({ value: null })}>Add value</Button> : null}
              </Group>
            </Group>
            <RenameList list={l} opened={renaming} onClose={() => setRenaming(false)} />
            <ValueForm
              list={l.name}
              value={editing?.value ?? null}
              opened={editing !== null}
              onClose={() => setEditing(null)}
            />
            <ValueHistory list={l.name} value={history} mayRestore={mayChange} onClose={() => setHistory(null)} />
            <QueryView query={values} label={`the values of ${l.name}`}>
              {(found) =>
                found.length === 0 ? (
                  <Text c="dimmed">
                    No values in {l.name} yet.{mayAdd ? ' Add the first with "Add value".' : ''}
                  </Text>
                ) : (
                  <div className="hush-table-wrap">
                    <Table highlightOnHover verticalSpacing="xs" aria-label={`Values of ${l.name}`}>
                      <Table.Thead>
                        <Table.Tr>
                          <Table.Th>Key</Table.Th>
                          <Table.Th>Value</Table.Th>
                          <Table.Th className="hush-hide-narrow">Version</Table.Th>
                          <Table.Th className="hush-hide-narrow">Changed</Table.Th>
                          <Table.Th>
                            <VisuallyHidden>Actions</VisuallyHidden>
                          </Table.Th>
                        </Table.Tr>
                      </Table.Thead>
                      <Table.Tbody>
                        {found.map((v) => {
                          const open = revealed.has(v.id);
                          return (
                            <Table.Tr key={v.id} data-key={v.secret_key}>
                              <Table.Td>
                                <Text ff="monospace" size="sm" fw={500}>
                                  {v.secret_key}
                                </Text>
                              </Table.Td>
                              <Table.Td>
                                {open ? (
                                  <Code className="hush-value" data-testid="list-value">
                                    {v.secret_value}
                                  </Code>
                                ) : (
                                  <Text size="sm">
                                    <span aria-hidden="true">{MASK}</span>
                                    <VisuallyHidden>hidden value</VisuallyHidden>
                                  </Text>
                                )}
                              </Table.Td>
                              <Table.Td className="hush-hide-narrow">{v.version}</Table.Td>
                              <Table.Td className="hush-hide-narrow">{formatDate(v.updated_at)}</Table.Td>
                              <Table.Td>
                                <Group gap={4} wrap="wrap" justify="flex-end">
                                  <Button
                                    variant="subtle"
                                    size="xs"
                                    onClick={() => toggle(v.id)}
                                    aria-label={`${open ? 'Hide' : 'Reveal'} ${v.secret_key}`}
                                  >
                                    {open ? 'Hide' : 'Reveal'}
                                  </Button>
                                  <Button
                                    variant="subtle"
                                    size="xs"
                                    onClick={() => void copyToClipboard(v.secret_value, v.secret_key)}
                                    aria-label={`Copy ${v.secret_key}`}
                                  >
                                    Copy
                                  </Button>
                                  <Button
                                    variant="subtle"
                                    size="xs"
                                    onClick={() => setHistory(v)}
                                    aria-label={`History of ${v.secret_key}`}
                                  >
                                    History
                                  </Button>
                                  {mayChange ? (
                                    <Button
                                      variant="subtle"
                                      size="xs"
                                      onClick={() => setEditing({ value: v })}
                                      aria-label={`Edit ${v.secret_key}`}
                                    >
                                      Edit
                                    </Button>
                                  ) : null}
                                  {mayDelete ? (
                                    <ConfirmButton
                                      label="Delete"
                                      ariaLabel={`Delete ${v.secret_key}`}
                                      title={`Delete ${v.secret_key}?`}
                                      message={`${v.secret_key} and its history are deleted from ${l.name}; templates referencing it will no longer render.`}
                                      confirm="Delete value"
                                      onConfirm={async () => {
                                        await lists.removeValue(l.name, v.id);
                                        await queryClient.invalidateQueries({ queryKey: ['lists'] });
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
          </>
        )}
      </QueryView>
    </Stack>
  );
}
