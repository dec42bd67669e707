import { Alert, Button, Group, List, Modal, Select, Stack, Table, Text } from '@mantine/core';
import { useMutation, useQuery, useQueryClient } from '@tanstack/react-query';
import { useEffect, useState } from 'react';
import {
  passbolt,
  PERMISSION_TYPES,
  type PassboltResource,
  type PermissionType,
  type ShareChange,
} from '../../api/passbolt.ts';
import { ErrorAlert } from '../common.tsx';
import { decryptSecret, encryptFor, type UnlockedKey } from './pgp.ts';

const TYPE_OPTIONS = Object.entries(PERMISSION_TYPES).map(([value, label]) => ({ value, label }));

/**
 * Sharing as Passbolt's clients do: the changes are simulated first (the dry-run endpoint names the users a share
 * adds and removes), then the user's copy is decrypted here and encrypted for each added user, and the share is
 * sent with those copies in one request.
 */
export function ShareDialog(props: {
  resource: PassboltResource | null;
  onClose: () => void;
  unlocked: UnlockedKey | null;
}) {
  const { resource, onClose, unlocked } = props;
  const queryClient = useQueryClient();
  const opened = resource !== null;
  const users = useQuery({ queryKey: ['passbolt', 'users'], queryFn: passbolt.users, enabled: opened });
  const groups = useQuery({ queryKey: ['passbolt', 'groups'], queryFn: passbolt.groups, enabled: opened });
  const current = useQuery({
    queryKey: ['passbolt', 'permissions', resource?.id],
    queryFn: () => passbolt.permissions(resource!.id),
    enabled: opened,
    gcTime: 0,
  });
  const [adding, setAdding] = useState<{ aro: 'User' | 'Group'; id: string; type: PermissionType }[]>([]);
  const [removing, setRemoving] = useState<ReadonlySet<string>>(new Set());
  const [pick, setPick] = useState<string | null>(null);
  const [pickType, setPickType] = useState<string>('1');
  const [preview, setPreview] = useState<{ added: string[]; removed: string[] } | null>(null);
  useEffect(() => {
    setAdding([]);
    setRemoving(new Set());
    setPick(null);
    setPreview(null);
  }, [resource]);

  // A user by their name; a group by its name, marked as a group (sharing with it reaches every member).
  const nameOf = (id: string) => {
    const u = users.data?.find((x) => x.id === id);
    if (u) return `${u.profile.first_name} ${u.profile.last_name}`.trim() || u.username;
    const g = groups.data?.find((x) => x.id === id);
    return g ? `${g.name} (group)` : id;
  };
  const changes = (): ShareChange[] => [
    ...adding.map((a) => ({
      aro: a.aro,
      aro_foreign_key: a.id,
      aco: 'Resource' as const,
      aco_foreign_key: resource!.id,
      type: a.type,
    })),
    ...[...removing].map((id) => ({ id, delete: true as const })),
  ];

  const simulate = useMutation({
    mutationFn: () => passbolt.simulateShare(resource!.id, changes()),
    onSuccess: (c) => setPreview({ added: c.added.map((a) => a.User.id), removed: c.removed.map((r) => r.User.id) }),
  });
  const share = useMutation({
    mutationFn: async () => {
      if (!unlocked || !preview) throw new Error('Unlock your key first.');
      const plaintext = preview.added.length ? await decryptSecret(await passbolt.secret(resource!.id), unlocked) : '';
      const recipients = preview.added.map((id) => {
        const key = users.data?.find((u) => u.id === id)?.gpgkey?.armored_key;
        if (!key) throw new Error(`${nameOf(id)} has no OpenPGP key.`);
        return { userId: id, armoredKey: key };
      });
      const secrets = recipients.length ? await encryptFor(plaintext, recipients, unlocked) : [];
      return passbolt.share(resource!.id, changes(), secrets);
    },
    onSuccess: async () => {
      await queryClient.invalidateQueries({ queryKey: ['passbolt'] });
      onClose();
    },
  });

  const holders = new Set(current.data?.map((p) => p.aro_foreign_key) ?? []);
  const candidates = [
    ...(users.data ?? []).map((u) => ({ aro: 'User' as const, id: u.id })),
    ...(groups.data ?? []).map((g) => ({ aro: 'Group' as const, id: g.id })),
  ]
    .filter((c) => !holders.has(c.id) && !adding.some((a) => a.id === c.id))
    .map((c) => ({ value: `${c.aro}:${c.id}`, label: nameOf(c.id) }));
  const dirty = adding.length > 0 || removing.size > 0;

  return (
    <Modal opened={opened} onClose={onClose} title={resource ? `Share ${resource.name}` : 'Share'} size="lg">
      <Stack>
        {current.isError ? <ErrorAlert error={current.error} title="Could not load who has access" /> : null}
        <Table>
          <Table.Thead>
            <Table.Tr>
              <Table.Th>User</Table.Th>
              <Table.Th>Access</Table.Th>
              <Table.Th>Change</Table.Th>
            </Table.Tr>
          </Table.Thead>
          <Table.Tbody>
            {(current.data ?? []).map((p) => (
              <Table.Tr key={p.id}>
                <Table.Td>{nameOf(p.aro_foreign_key)}</Table.Td>
                <Table.Td>{PERMISSION_TYPES[p.type as PermissionType] ?? p.type}</Table.Td>
                <Table.Td>
                  <Button
                    size="xs"
                    variant="subtle"
                    color={removing.has(p.id) ? 'gray' : 'red'}
                    aria-label={`${removing.has(p.id) ? 'Keep' : 'Remove'} ${nameOf(p.aro_foreign_key)}`}
                    onClick={() => {
                      setPreview(null);
                      setRemoving((r) => {
                        const next = new Set(r);
                        if (next.has(p.id)) next.delete(p.id);
                        else next.add(p.id);
                        return next;
                      });
                    }}
                  >
                    {removing.has(p.id) ? 'Keep' : 'Remove'}
                  </Button>
                </Table.Td>
              </Table.Tr>
            ))}
            {adding.map((a) => (
              <Table.Tr key={a.id}>
                <Table.Td>{nameOf(a.id)} (new)</Table.Td>
                <Table.Td>{PERMISSION_TYPES[a.type]}</Table.Td>
                <Table.Td>
                  <Button
                    size="xs"
                    variant="subtle"
                    aria-label={`Undo adding ${nameOf(a.id)}`}
                    onClick={() => {
                      setPreview(null);
                      setAdding((l) => l.filter((x) => x.id !== a.id));
                    }}
                  >
                    Undo
                  </Button>
                </Table.Td>
              </Table.Tr>
            ))}
          </Table.Tbody>
        </Table>
        <Group align="flex-end" wrap="wrap">
          <Select
            label="Add a user or group"
            placeholder={candidates.length ? 'Choose a user or group' : 'Everyone with a key has access'}
            data={candidates}
            value={pick}
            onChange={setPick}
            searchable
            style={{ flex: 1, minWidth: '12rem' }}
          />
          <Select label="Access" data={TYPE_OPTIONS} value={pickType} onChange={(v) => setPickType(v ?? '1')} w={140} />
          <Button
            variant="default"
            disabled={!pick}
            onClick={() => {
              setPreview(null);
              const [aro, id] = pick!.split(':') as ['User' | 'Group', string];
              setAdding((l) => [...l, { aro, id, type: Number(pickType) as PermissionType }]);
              setPick(null);
            }}
          >
            Add
          </Button>
        </Group>
        {preview ? (
          <Alert color="blue" title="What this share does" role="status">
            {preview.added.length || preview.removed.length ? (
              <List size="sm">
                {preview.added.map((id) => (
                  <List.Item key={id}>{nameOf(id)} gains access (a copy is encrypted for them)</List.Item>
                ))}
                {preview.removed.map((id) => (
                  <List.Item key={id}>{nameOf(id)} loses access (their copy is deleted)</List.Item>
                ))}
              </List>
            ) : (
              <Text size="sm">Nobody gains or loses access; only permission levels change.</Text>
            )}
          </Alert>
        ) : null}
        {!unlocked ? <Text size="sm">Unlock your key on the page to share: new users need their own copy.</Text> : null}
        {simulate.isError ? <ErrorAlert error={simulate.error} title="Share refused" /> : null}
        {share.isError ? <ErrorAlert error={share.error} title="Not shared" /> : null}
        <Group justify="flex-end">
          <Button variant="default" onClick={onClose}>
            Cancel
          </Button>
          {preview ? (
            <Button loading={share.isPending} disabled={!unlocked} onClick={() => share.mutate()}>
              Share
            </Button>
          ) : (
            <Button disabled={!dirty} loading={simulate.isPending} onClick={() => simulate.mutate()}>
              Preview changes
            </Button>
          )}
        </Group>
      </Stack>
    </Modal>
  );
}
