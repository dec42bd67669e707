import { Badge, Button, Checkbox, FileInput, Group, Stack, Table, Text, Title } from '@mantine/core';
import { useMutation, useQuery, useQueryClient } from '@tanstack/react-query';
import { useState } from 'react';
import { netbox, type NetboxUserKey } from '../api/netbox.ts';
import { ErrorAlert, QueryView, formatDate } from '../components/common.tsx';
import { MyUserKey } from '../components/netbox/MyUserKey.tsx';
import { NetboxHeader } from '../components/netbox/NetboxNav.tsx';
import { readKeyFile } from '../components/netbox/rsa-keys.ts';
import { can, useSession } from '../session.tsx';

const T = 'netbox_secrets.userkey';

/**
 * Activating other users' keys: the master key is opened with the activating user's private key (read from a file
 * here, sent once with the request, as the plugin's activate endpoint wants) and sealed to each chosen public key.
 */
function Activate({ keys, mine }: { keys: NetboxUserKey[]; mine?: NetboxUserKey }) {
  const queryClient = useQueryClient();
  const [chosen, setChosen] = useState<ReadonlySet<number>>(new Set());
  const [file, setFile] = useState<File | null>(null);
  const activate = useMutation({
    mutationFn: async (picked: File) => netbox.activateUserKeys(await readKeyFile(picked), [...chosen]),
    onSettled: () => setFile(null),
    onSuccess: async () => {
      setChosen(new Set());
      await queryClient.invalidateQueries({ queryKey: ['netbox'] });
    },
  });
  const waiting = keys.filter((k) => !k.is_active && k.id !== mine?.id);
  const outcome = activate.isSuccess ? (
    <Text size="sm" role="status">
      {activate.data.message}
    </Text>
  ) : null;
  if (!waiting.length)
    return (
      <Stack>
        {outcome}
        <Text c="dimmed">No key is waiting for activation.</Text>
      </Stack>
    );
  const toggle = (id: number) =>
    setChosen((c) => {
      const next = new Set(c);
      if (next.has(id)) next.delete(id);
      else next.add(id);
      return next;
    });
  return (
    <Stack>
      <Stack gap={4}>
        {waiting.map((k) => (
          <Checkbox
            key={k.id}
            label={`${k.user?.username ?? `key #${k.id}`} (uploaded ${formatDate(k.created)})`}
            checked={chosen.has(k.id)}
            onChange={() => toggle(k.id)}
          />
        ))}
      </Stack>
      {mine?.is_active ? (
        <form
          onSubmit={(e) => {
            e.preventDefault();
            if (file) activate.mutate(file);
          }}
        >
          <Group align="flex-end">
            <FileInput
              label="Your private key file"
              value={file}
              onChange={setFile}
              clearable
              style={{ flex: 1, minWidth: '12rem' }}
            />
            <Button type="submit" disabled={!file || !chosen.size} loading={activate.isPending}>
              Activate {chosen.size || ''} {chosen.size === 1 ? 'key' : 'keys'}
            </Button>
          </Group>
        </form>
      ) : (
        <Text size="sm" c="dimmed">
          Activating needs an active key of your own.
        </Text>
      )}
      {activate.isError ? <ErrorAlert error={activate.error} title="Not activated" /> : null}
      {outcome}
    </Stack>
  );
}

/** NetBox user keys: one's own (generate, upload, replace) and, where permitted, everyone's, with activation. */
export function NetboxKeys() {
  const { access, me } = useSession();
  const mayView = can(access, T, 'view');
  const keys = useQuery({ queryKey: ['netbox', 'user-keys'], queryFn: netbox.userKeys, enabled: mayView });
  const mayChange = can(access, T, 'change');

  if (!mayView) {
    return (
      <Stack>
        <NetboxHeader title="NetBox user keys" />
        <Text>You may not see user keys (netbox_secrets.userkey view): ask an administrator to grant it.</Text>
      </Stack>
    );
  }
  return (
    <Stack>
      <NetboxHeader title="NetBox user keys" />
      <QueryView query={keys} label="user keys">
        {(list) => {
          const mine = list.find((k) => k.user?.id === me.user.id);
          return (
            <Stack gap="lg">
              <section aria-labelledby="my-key">
                <Title order={2} id="my-key" size="h3" mb="xs">
                  Your key
                </Title>
                <MyUserKey mine={mine} mayAdd={can(access, T, 'add')} mayChange={mayChange} />
              </section>
              <section aria-labelledby="all-keys">
                <Title order={2} id="all-keys" size="h3" mb="xs">
                  Everyone&apos;s keys
                </Title>
                <div className="hush-table-wrap">
                  <Table>
                    <Table.Thead>
                      <Table.Tr>
                        <Table.Th>User</Table.Th>
                        <Table.Th>State</Table.Th>
                        <Table.Th className="hush-hide-narrow">Uploaded</Table.Th>
                      </Table.Tr>
                    </Table.Thead>
                    <Table.Tbody>
                      {list.map((k) => (
                        <Table.Tr key={k.id}>
                          <Table.Td>{k.user?.username}</Table.Td>
                          <Table.Td>
                            <Badge color={k.is_active ? 'green' : 'orange'} variant="light">
                              {k.is_active ? 'active' : 'inactive'}
                            </Badge>
                          </Table.Td>
                          <Table.Td className="hush-hide-narrow">{formatDate(k.created)}</Table.Td>
                        </Table.Tr>
                      ))}
                    </Table.Tbody>
                  </Table>
                </div>
              </section>
              {mayChange ? (
                <section aria-labelledby="activate">
                  <Title order={2} id="activate" size="h3" mb="xs">
                    Activate keys
                  </Title>
                  <Activate keys={list} mine={mine} />
                </section>
              ) : null}
            </Stack>
          );
        }}
      </QueryView>
    </Stack>
  );
}
