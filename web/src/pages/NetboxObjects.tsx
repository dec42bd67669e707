import { Button, Group, Pagination, Stack, Table, Text, TextInput, VisuallyHidden } from '@mantine/core';
import { useDebouncedValue } from '@mantine/hooks';
import { keepPreviousData, useQuery, useQueryClient } from '@tanstack/react-query';
import { useEffect, useState } from 'react';
import { Link } from 'wouter';
import { netbox, type NetboxObject, type ObjectKind, type Place } from '../api/netbox.ts';
import { ConfirmButton, QueryView } from '../components/common.tsx';
import { NetboxHeader } from '../components/netbox/NetboxNav.tsx';
import { NetboxObjectForm } from '../components/netbox/NetboxObjectForm.tsx';
import { nounOf, secretsPathOf } from '../components/netbox/objects.ts';
import { can, canOn, useSession } from '../session.tsx';

const PAGE_SIZE = 25;
const SECRET = 'netbox_secrets.secret';

/** What deleting an object takes with it: its secrets, counted when the confirmation opens. */
function DeleteNote({ place, name, countable }: { place: Place; name: string; countable: boolean }) {
  const count = useQuery({
    queryKey: ['netbox', 'secret-count', place.kind, place.id],
    queryFn: () => netbox.secretCount(place),
    enabled: countable,
  });
  const secrets =
    count.data === undefined
      ? 'every secret assigned to it'
      : count.data === 0
        ? 'no secret (it holds none)'
        : `its ${count.data} ${count.data === 1 ? 'secret' : 'secrets'}`;
  return (
    <>
      {name} is deleted for everyone, and with it {secrets}. This cannot be undone.
    </>
  );
}

/**
 * NetBox's devices or virtual machines, the objects secrets are assigned to: searched and paged by the server,
 * created, renamed and deleted where the user's grants allow it, each linking to its secrets.
 */
export function NetboxObjects({ kind }: { kind: ObjectKind }) {
  const { access } = useSession();
  const queryClient = useQueryClient();
  const noun = nounOf(kind);
  const mayView = can(access, kind, 'view');
  const mayAdd = can(access, kind, 'add');
  const maySecrets = can(access, SECRET, 'view');
  const [search, setSearch] = useState('');
  const [q] = useDebouncedValue(search.trim(), 250);
  const [page, setPage] = useState(1);
  const [editing, setEditing] = useState<{ object: NetboxObject | null } | null>(null);
  const list = useQuery({
    queryKey: ['netbox', 'objects', kind, q, page],
    queryFn: () => netbox.objectPage(kind, { q, limit: PAGE_SIZE, offset: (page - 1) * PAGE_SIZE }),
    enabled: mayView,
    placeholderData: keepPreviousData,
  });
  useEffect(() => setPage(1), [q]);
  const pages = Math.max(1, Math.ceil((list.data?.count ?? 0) / PAGE_SIZE));
  // A delete that empties the last page moves back to the one before.
  useEffect(() => {
    if (list.data && page > pages) setPage(pages);
  }, [list.data, page, pages]);

  const title = `NetBox ${noun.many}`;
  if (!mayView) {
    return (
      <Stack>
        <NetboxHeader title={title} />
        <Text>
          You may not see {noun.many} ({kind} view): ask an administrator to grant it.
        </Text>
      </Stack>
    );
  }

  return (
    <Stack>
      <NetboxHeader title={title} />
      <Group justify="space-between" wrap="wrap">
        <TextInput
          type="search"
          aria-label={`Search ${noun.many}`}
          placeholder="Search by name"
          value={search}
          onChange={(e) => setSearch(e.currentTarget.value)}
          w={260}
          maxLength={100}
        />
        {mayAdd ? <Button onClick={() => setEditing({ object: null })}>New {noun.one}</Button> : null}
      </Group>
      <QueryView query={list} label={noun.many}>
        {(data) =>
          data.count === 0 ? (
            <Text c="dimmed">
              {q
                ? `No ${noun.one} matches “${q}”.`
                : `No ${noun.many} yet. ${
                    mayAdd
                      ? `Add one with "New ${noun.one}": NetBox secrets are assigned to devices and virtual machines.`
                      : `Ask an administrator to add one (${kind} add).`
                  }`}
            </Text>
          ) : (
            <Stack>
              <Text size="sm" aria-live="polite">
                {data.count} {data.count === 1 ? noun.one : noun.many}
                {q ? ` ${data.count === 1 ? 'matches' : 'match'} “${q}”` : ''}
                {pages > 1 ? `; page ${page} of ${pages}` : ''}.
              </Text>
              <div className="hush-table-wrap">
                <Table highlightOnHover aria-label={noun.Many}>
                  <Table.Thead>
                    <Table.Tr>
                      <Table.Th>Name</Table.Th>
                      <Table.Th className="hush-hide-narrow">Description</Table.Th>
                      <Table.Th>
                        <VisuallyHidden>Actions</VisuallyHidden>
                      </Table.Th>
                    </Table.Tr>
                  </Table.Thead>
                  <Table.Tbody>
                    {data.results.map((o) => {
                      const name = o.display ?? o.name ?? `#${o.id}`;
                      const place = { kind, id: o.id };
                      return (
                        <Table.Tr key={o.id}>
                          <Table.Td>
                            <Text fw={500}>{name}</Text>
                          </Table.Td>
                          <Table.Td className="hush-hide-narrow">{o.description}</Table.Td>
                          <Table.Td>
                            <Group gap={4} wrap="nowrap" justify="flex-end">
                              {maySecrets ? (
                                <Button
                                  component={Link}
                                  href={secretsPathOf(place)}
                                  size="xs"
                                  variant="subtle"
                                  aria-label={`Secrets of ${name}`}
                                >
                                  Secrets
                                </Button>
                              ) : null}
                              {canOn(access, kind, 'change', o.id) ? (
                                <Button
                                  size="xs"
                                  variant="subtle"
                                  aria-label={`Rename ${name}`}
                                  onClick={() => setEditing({ object: o })}
                                >
                                  Rename
                                </Button>
                              ) : null}
                              {canOn(access, kind, 'delete', o.id) ? (
                                <ConfirmButton
                                  label="Delete"
                                  ariaLabel={`Delete ${name}`}
                                  title={`Delete the ${noun.one} ${name}?`}
                                  message={<DeleteNote place={place} name={name} countable={maySecrets} />}
                                  confirm={`Delete ${noun.one}`}
                                  onConfirm={async () => {
                                    await netbox.deleteObject(place);
                                    await queryClient.invalidateQueries({ queryKey: ['netbox'] });
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
              {pages > 1 ? (
                <Group justify="center">
                  <Pagination
                    total={pages}
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
      <NetboxObjectForm
        kind={kind}
        object={editing?.object ?? null}
        opened={editing !== null}
        onClose={() => setEditing(null)}
      />
    </Stack>
  );
}
