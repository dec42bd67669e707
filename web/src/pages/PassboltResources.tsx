import { Badge, Button, Code, Group, Stack, Table, Text, TextInput, Title, VisuallyHidden } from '@mantine/core';
import { useMutation, useQuery, useQueryClient } from '@tanstack/react-query';
import { useMemo, useState } from 'react';
import { passbolt, PERMISSION_TYPES, type PassboltResource, type PermissionType } from '../api/passbolt.ts';
import { ConfirmButton, ErrorAlert, QueryView, copyToClipboard } from '../components/common.tsx';
import { KeyUnlock } from '../components/passbolt/KeyUnlock.tsx';
import { decryptSecret, parseSecret, type SecretContent, type UnlockedKey } from '../components/passbolt/pgp.ts';
import { ResourceForm } from '../components/passbolt/ResourceForm.tsx';
import { ShareDialog } from '../components/passbolt/ShareDialog.tsx';

const MASK = '••••••••';
const UPDATE = 7;
const OWNER = 15;

/**
 * The Passbolt resources the user can reach, decrypted in the browser. The unlocked key and every decrypted value
 * live in this component's state: leaving the page forgets them, hiding a value removes it from the page.
 */
export function PassboltResources() {
  const queryClient = useQueryClient();
  const me = useQuery({ queryKey: ['passbolt', 'me'], queryFn: passbolt.me });
  const hasKey = Boolean(me.data?.gpgkey);
  const resources = useQuery({ queryKey: ['passbolt', 'resources'], queryFn: passbolt.resources, enabled: hasKey });
  const [unlocked, setUnlocked] = useState<UnlockedKey | null>(null);
  const [values, setValues] = useState<ReadonlyMap<string, SecretContent>>(new Map());
  const [filter, setFilter] = useState('');
  const [editing, setEditing] = useState<{ resource: PassboltResource | null } | null>(null);
  const [sharing, setSharing] = useState<PassboltResource | null>(null);

  const lockOrUnlock = (key: UnlockedKey | null) => {
    setUnlocked(key);
    if (!key) setValues(new Map());
  };
  const show = useMutation({
    mutationFn: async (r: PassboltResource) => {
      if (!unlocked) throw new Error('Unlock your key first.');
      const plaintext = await decryptSecret(await passbolt.secret(r.id), unlocked);
      return { id: r.id, content: parseSecret(plaintext, r.resource_type?.slug) };
    },
    onSuccess: ({ id, content }) => setValues((m) => new Map(m).set(id, content)),
  });
  const hide = (id: string) =>
    setValues((m) => {
      const next = new Map(m);
      next.delete(id);
      return next;
    });

  const visible = useMemo(() => {
    const needle = filter.trim().toLowerCase();
    return (resources.data ?? []).filter(
      (r) => !needle || `${r.name} ${r.username ?? ''} ${r.uri ?? ''}`.toLowerCase().includes(needle),
    );
  }, [resources.data, filter]);

  return (
    <Stack>
      <Title order={1}>Passbolt resources</Title>
      <QueryView query={me} label="your Passbolt account">
        {(account) => (
          <>
            <KeyUnlock me={account} unlocked={unlocked} onUnlocked={lockOrUnlock} />
            {account?.gpgkey ? (
              <QueryView query={resources} label="Passbolt resources">
                {(list) => (
                  <Stack>
                    <Group justify="space-between" wrap="wrap">
                      <TextInput
                        aria-label="Filter resources"
                        placeholder="Filter by name, username or URI"
                        value={filter}
                        onChange={(e) => setFilter(e.currentTarget.value)}
                        w={280}
                      />
                      <Button
                        disabled={!unlocked}
                        title={unlocked ? undefined : 'Unlock first: a new secret is encrypted with your key'}
                        onClick={() => setEditing({ resource: null })}
                      >
                        New resource
                      </Button>
                    </Group>
                    {show.isError ? <ErrorAlert error={show.error} title="Not decrypted" /> : null}
                    {list.length === 0 ? (
                      <Text c="dimmed">
                        No resources yet. Unlock your key, then create one with &quot;New resource&quot;, or ask a
                        colleague to share one with you.
                      </Text>
                    ) : visible.length === 0 ? (
                      <Text c="dimmed">No resource matches this filter.</Text>
                    ) : (
                      <div className="hush-table-wrap">
                        <Table highlightOnHover>
                          <Table.Thead>
                            <Table.Tr>
                              <Table.Th>Name</Table.Th>
                              <Table.Th>Username</Table.Th>
                              <Table.Th className="hush-hide-narrow">URI</Table.Th>
                              <Table.Th>Password</Table.Th>
                              <Table.Th>
                                <VisuallyHidden>Actions</VisuallyHidden>
                              </Table.Th>
                            </Table.Tr>
                          </Table.Thead>
                          <Table.Tbody>
                            {visible.map((r) => {
                              const type = r.permission?.type ?? 0;
                              const content = values.get(r.id);
                              return (
                                <Table.Tr key={r.id}>
                                  <Table.Td>
                                    <Text fw={500}>{r.name}</Text>
                                    <Badge variant="light" size="sm">
                                      {PERMISSION_TYPES[type as PermissionType] ?? 'no access'}
                                    </Badge>
                                  </Table.Td>
                                  <Table.Td>{r.username}</Table.Td>
                                  <Table.Td className="hush-hide-narrow">{r.uri}</Table.Td>
                                  <Table.Td>
                                    {content ? (
                                      <Stack gap={2}>
                                        <Code className="hush-value" data-testid={`passbolt-value-${r.id}`}>
                                          {content.password}
                                        </Code>
                                        {content.description ? (
                                          <Text size="xs" c="dimmed">
                                            {content.description}
                                          </Text>
                                        ) : null}
                                      </Stack>
                                    ) : (
                                      <Text aria-label={`${r.name} hidden`}>{MASK}</Text>
                                    )}
                                  </Table.Td>
                                  <Table.Td>
                                    <Group gap={4} wrap="nowrap" justify="flex-end">
                                      <Button
                                        size="xs"
                                        variant="subtle"
                                        aria-label={`${content ? 'Hide' : 'Decrypt'} ${r.name}`}
                                        disabled={!content && !unlocked}
                                        loading={show.isPending && show.variables.id === r.id}
                                        onClick={() => (content ? hide(r.id) : show.mutate(r))}
                                      >
                                        {content ? 'Hide' : 'Decrypt'}
                                      </Button>
                                      {content ? (
                                        <Button
                                          size="xs"
                                          variant="subtle"
                                          aria-label={`Copy ${r.name}`}
                                          onClick={() => void copyToClipboard(content.password, r.name)}
                                        >
                                          Copy
                                        </Button>
                                      ) : null}
                                      {type >= UPDATE ? (
                                        <Button
                                          size="xs"
                                          variant="subtle"
                                          aria-label={`Edit ${r.name}`}
                                          disabled={!unlocked}
                                          onClick={() => setEditing({ resource: r })}
                                        >
                                          Edit
                                        </Button>
                                      ) : null}
                                      {type >= OWNER ? (
                                        <Button
                                          size="xs"
                                          variant="subtle"
                                          aria-label={`Share ${r.name}`}
                                          onClick={() => setSharing(r)}
                                        >
                                          Share
                                        </Button>
                                      ) : null}
                                      {type >= UPDATE ? (
                                        <ConfirmButton
                                          label="Delete"
                                          ariaLabel={`Delete ${r.name}`}
                                          title={`Delete ${r.name}?`}
                                          message={`${r.name} and every user's copy of its secret are deleted. This cannot be undone.`}
                                          confirm="Delete resource"
                                          onConfirm={async () => {
                                            await passbolt.remove(r.id);
                                            hide(r.id);
                                            await queryClient.invalidateQueries({
                                              queryKey: ['passbolt', 'resources'],
                                            });
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
                    )}
                  </Stack>
                )}
              </QueryView>
            ) : null}
            {unlocked && account?.gpgkey ? (
              <ResourceForm
                resource={editing?.resource ?? null}
                opened={editing !== null}
                onClose={() => setEditing(null)}
                unlocked={unlocked}
                meId={account.id}
                myArmoredKey={account.gpgkey.armored_key}
              />
            ) : null}
            <ShareDialog resource={sharing} onClose={() => setSharing(null)} unlocked={unlocked} />
          </>
        )}
      </QueryView>
    </Stack>
  );
}
