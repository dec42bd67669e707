import { Badge, Button, Code, Group, Stack, Table, Text, TextInput, VisuallyHidden } from '@mantine/core';
import { useQuery, useQueryClient } from '@tanstack/react-query';
import { useMemo, useState } from 'react';
import { phase, type PhaseSecret } from '../api/phase.ts';
import { useSession } from '../session.tsx';
import { ConfirmButton, QueryView, copyToClipboard } from './common.tsx';
import { SecretForm } from './SecretForm.tsx';

const MASK = '••••••••';

/**
 * One environment's secrets. Values are masked: a hidden value is not in the page at all (only the mask is), and
 * the answer holding them is dropped from memory as soon as the table is left (gcTime 0).
 */
export function SecretsTable({ appId, env, envId }: { appId: string; env: string; envId: string }) {
  const { access } = useSession();
  const queryClient = useQueryClient();
  const secrets = useQuery({
    queryKey: ['phase', 'secrets', appId, env],
    queryFn: () => phase.secrets(appId, env),
    gcTime: 0,
    staleTime: 0,
  });
  const [revealed, setRevealed] = useState<ReadonlySet<string>>(new Set());
  const [filter, setFilter] = useState('');
  const [editing, setEditing] = useState<{ secret: PhaseSecret | null } | null>(null);

  const scoped = (action: string) => {
    const reach = access.object_types.find((t) => t.name === 'phase.secret')?.actions.find((a) => a.action === action);
    return reach?.reach === 'all' || (reach?.object_ids.includes(envId) ?? false);
  };
  const mayAdd = scoped('add');
  const mayChange = scoped('change');
  const mayDelete = scoped('delete');

  const visible = useMemo(() => {
    const needle = filter.trim().toLowerCase();
    const list = secrets.data ?? [];
    return needle
      ? list.filter(
          (s) =>
            s.key.toLowerCase().includes(needle) ||
            s.path.toLowerCase().includes(needle) ||
            s.comment.toLowerCase().includes(needle),
        )
      : list;
  }, [secrets.data, filter]);
  const allRevealed = visible.length > 0 && visible.every((s) => revealed.has(s.id));

  const toggle = (id: string) =>
    setRevealed((r) => {
      const next = new Set(r);
      if (next.has(id)) next.delete(id);
      else next.add(id);
      return next;
    });

  return (
    <Stack>
      <Group justify="space-between" wrap="wrap">
        <TextInput
          placeholder="Filter by key, path or comment"
          aria-label="Filter secrets"
          value={filter}
          onChange={(e) => setFilter(e.currentTarget.value)}
          w={280}
        />
        <Group gap="xs">
          <Button
            variant="default"
            size="sm"
            disabled={!visible.length}
            onClick={() => setRevealed(allRevealed ? new Set() : new Set(visible.map((s) => s.id)))}
          >
            {allRevealed ? 'Hide all' : 'Reveal all'}
          </Button>
          {mayAdd ? (
            <Button size="sm" onClick={() => setEditing({ secret: null })}>
              Add secret
            </Button>
          ) : null}
        </Group>
      </Group>
      <SecretForm
        appId={appId}
        env={env}
        secret={editing?.secret ?? null}
        opened={editing !== null}
        onClose={() => setEditing(null)}
      />
      <QueryView query={secrets} label={`the secrets of ${env}`}>
        {(list) =>
          list.length === 0 ? (
            <Text c="dimmed">
              No secrets in {env} yet.{mayAdd ? ' Add the first with "Add secret".' : ''}
            </Text>
          ) : visible.length === 0 ? (
            <Text c="dimmed">No secret matches "{filter}".</Text>
          ) : (
            <div className="hush-table-wrap">
              <Table highlightOnHover verticalSpacing="xs" aria-label={`Secrets of ${env}`}>
                <Table.Thead>
                  <Table.Tr>
                    <Table.Th>Key</Table.Th>
                    <Table.Th>Value</Table.Th>
                    <Table.Th className="hush-hide-narrow">Comment</Table.Th>
                    <Table.Th>
                      <VisuallyHidden>Actions</VisuallyHidden>
                    </Table.Th>
                  </Table.Tr>
                </Table.Thead>
                <Table.Tbody>
                  {visible.map((s) => (
                    <Table.Tr key={s.id} data-key={s.key}>
                      <Table.Td>
                        <Text ff="monospace" size="sm" fw={500}>
                          {s.key}
                        </Text>
                        {s.path !== '/' ? (
                          <Badge variant="outline" size="xs">
                            {s.path}
                          </Badge>
                        ) : null}
                        {s.tags.map((t) => (
                          <Badge key={t} variant="light" size="xs" ml={4}>
                            {t}
                          </Badge>
                        ))}
                      </Table.Td>
                      <Table.Td>
                        <Group gap="xs" wrap="nowrap">
                          {revealed.has(s.id) ? (
                            <Code className="hush-value" data-testid="secret-value">
                              {s.value}
                            </Code>
                          ) : (
                            <Text aria-label="hidden value" size="sm">
                              {MASK}
                            </Text>
                          )}
                        </Group>
                      </Table.Td>
                      <Table.Td className="hush-hide-narrow">
                        <Text size="sm">{s.comment}</Text>
                      </Table.Td>
                      <Table.Td>
                        <Group gap={4} wrap="nowrap" justify="flex-end">
                          <Button
                            variant="subtle"
                            size="xs"
                            onClick={() => toggle(s.id)}
                            aria-label={`${revealed.has(s.id) ? 'Hide' : 'Reveal'} ${s.key}`}
                          >
                            {revealed.has(s.id) ? 'Hide' : 'Reveal'}
                          </Button>
                          <Button
                            variant="subtle"
                            size="xs"
                            onClick={() => void copyToClipboard(s.value, s.key)}
                            aria-label={`Copy ${s.key}`}
                          >
                            Copy
                          </Button>
                          {mayChange ? (
                            <Button
                              variant="subtle"
                              size="xs"
                              onClick={() => setEditing({ secret: s })}
                              aria-label={`Edit ${s.key}`}
                            >
                              Edit
                            </Button>
                          ) : null}
                          {mayDelete ? (
                            <ConfirmButton
                              label="Delete"
                              ariaLabel={`Delete ${s.key}`}
                              title={`Delete ${s.key}?`}
                              message={`${s.key} is deleted from ${env}. Scripts and services reading it will no longer find it.`}
                              confirm="Delete secret"
                              onConfirm={async () => {
                                await phase.deleteSecrets(appId, env, [s.id]);
                                await queryClient.invalidateQueries({ queryKey: ['phase', 'secrets', appId, env] });
                              }}
                            />
                          ) : null}
                        </Group>
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
