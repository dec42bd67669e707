import {
  Anchor,
  Badge,
  Button,
  Code,
  Group,
  Select,
  Stack,
  Table,
  Text,
  TextInput,
  VisuallyHidden,
} from '@mantine/core';
import { useMutation, useQuery, useQueryClient } from '@tanstack/react-query';
import { useMemo, useState } from 'react';
import { Link, useLocation } from 'wouter';
import {
  netbox,
  OBJECT_KINDS,
  type NetboxObject,
  type NetboxSecret,
  type ObjectKind,
  type Place,
} from '../api/netbox.ts';
import { ConfirmButton, ErrorAlert, QueryView, copyToClipboard } from '../components/common.tsx';
import { NetboxHeader } from '../components/netbox/NetboxNav.tsx';
import { nounOf, placeKey, secretsPathOf } from '../components/netbox/objects.ts';
import { NetboxSecretForm } from '../components/netbox/NetboxSecretForm.tsx';
import { UnlockPanel, useSessionKey } from '../components/netbox/UnlockPanel.tsx';
import { can, useSession } from '../session.tsx';

const MASK = '••••••••';
const T = 'netbox_secrets.secret';

/** Where a secret belongs, as one key for the filter: `dcim.device:4`. */
const placeOfSecret = (s: NetboxSecret) =>
  placeKey({ kind: s.assigned_object_type ?? '', id: s.assigned_object_id ?? 0 });

/**
 * NetBox secrets by device or virtual machine and role. The list never carries values; "Show" fetches one value
 * (one audited read, with the session key), "Hide" drops it from the page and from memory. With a `place` (the
 * address `/netbox/devices/4` or `/netbox/vms/2`), the server lists that object's secrets only (the plugin's
 * `device_id` / `virtual_machine_id` filters); the picker changes the address, so the filter survives a reload.
 */
export function NetboxSecrets({ place }: { place?: Place }) {
  const { access } = useSession();
  const queryClient = useQueryClient();
  const [, navigate] = useLocation();
  const session = useSessionKey();
  const unlocked = Boolean(session.data);
  const mayView = can(access, T, 'view');
  const secrets = useQuery({
    queryKey: ['netbox', 'secrets', place ? placeKey(place) : 'all'],
    queryFn: () => netbox.secrets(place),
    enabled: mayView,
  });
  const roles = useQuery({ queryKey: ['netbox', 'roles'], queryFn: netbox.roles });
  // The pickers list every device and VM the user may see (none asked for without the grant: a 403 is no list).
  const devices = useQuery({
    queryKey: ['netbox', 'devices'],
    queryFn: netbox.devices,
    enabled: can(access, 'dcim.device', 'view'),
  });
  const vms = useQuery({
    queryKey: ['netbox', 'vms'],
    queryFn: netbox.virtualMachines,
    enabled: can(access, 'virtualization.virtualmachine', 'view'),
  });
  const object = useQuery({
    queryKey: ['netbox', 'object', place?.kind, place?.id],
    queryFn: () => netbox.object(place!),
    enabled: Boolean(place) && can(access, place?.kind ?? '', 'view'),
    retry: false,
  });
  const [role, setRole] = useState<string | null>(null);
  const [filter, setFilter] = useState('');
  const [values, setValues] = useState<ReadonlyMap<number, string | null>>(new Map());
  const [editing, setEditing] = useState<{ secret: NetboxSecret | null } | null>(null);

  const mayAdd = can(access, T, 'add');
  const mayChange = can(access, T, 'change');
  const mayDelete = can(access, T, 'delete');

  const show = useMutation({
    mutationFn: async (id: number) => ({ id, value: await netbox.plaintext(id) }),
    onSuccess: ({ id, value }) => setValues((m) => new Map(m).set(id, value)),
  });
  const hide = (id: number) =>
    setValues((m) => {
      const next = new Map(m);
      next.delete(id);
      return next;
    });
  const remove = async (id: number) => {
    await netbox.deleteSecret(id);
    hide(id);
    await queryClient.invalidateQueries({ queryKey: ['netbox', 'secrets'] });
  };

  const places = useMemo(() => {
    const seen = new Map<string, string>();
    const add = (kind: ObjectKind, id: number, name: string) =>
      seen.set(placeKey({ kind, id }), `${name} (${OBJECT_KINDS[kind]})`);
    for (const d of devices.data ?? []) add('dcim.device', d.id, d.display ?? d.name ?? `#${d.id}`);
    for (const v of vms.data ?? []) add('virtualization.virtualmachine', v.id, v.display ?? v.name ?? `#${v.id}`);
    for (const s of secrets.data ?? []) {
      const kind = s.assigned_object_type;
      if (kind && kind in OBJECT_KINDS && s.assigned_object_id !== undefined && !seen.has(placeOfSecret(s)))
        add(kind as ObjectKind, s.assigned_object_id, s.assigned_object?.display ?? `#${s.assigned_object_id}`);
    }
    if (place && !seen.has(placeKey(place))) add(place.kind, place.id, object.data?.display ?? `#${place.id}`);
    return [...seen].map(([value, label]) => ({ value, label })).sort((a, b) => a.label.localeCompare(b.label));
  }, [devices.data, vms.data, secrets.data, place, object.data]);
  const visible = useMemo(() => {
    const needle = filter.trim().toLowerCase();
    return (secrets.data ?? []).filter(
      (s) =>
        (!role || String(s.role?.id) === role) &&
        (!needle || `${s.name} ${s.description}`.toLowerCase().includes(needle)),
    );
  }, [secrets.data, role, filter]);
  const choosePlace = (key: string | null) => {
    const [kind, id] = key ? (key.split(':') as [ObjectKind, string]) : [];
    navigate(kind && id ? secretsPathOf({ kind, id: Number(id) }) : '/netbox');
  };
  const placeName =
    place &&
    (object.data?.display ??
      secrets.data?.find((s) => placeOfSecret(s) === placeKey(place))?.assigned_object?.display ??
      `#${place.id}`);

  // The object whose secrets are shown is offered for a new one even past the pickers' first 1000.
  const withPlace = (kind: ObjectKind, list: NetboxObject[]) =>
    place?.kind === kind && object.data && !list.some((o) => o.id === place.id) ? [...list, object.data] : list;
  const objects = {
    'dcim.device': withPlace('dcim.device', devices.data ?? []),
    'virtualization.virtualmachine': withPlace('virtualization.virtualmachine', vms.data ?? []),
  };

  if (!mayView) {
    return (
      <Stack>
        <NetboxHeader title="NetBox secrets" />
        <Text>You may not see NetBox secrets (netbox_secrets.secret view): ask an administrator to grant it.</Text>
      </Stack>
    );
  }

  return (
    <Stack>
      <NetboxHeader title="NetBox secrets" />
      {place ? (
        <Group gap="xs" wrap="wrap">
          <Text>
            The secrets of the {nounOf(place.kind).one} <strong>{placeName}</strong>.
          </Text>
          <Anchor component={Link} href="/netbox">
            All secrets
          </Anchor>
        </Group>
      ) : null}
      {object.isError ? (
        <ErrorAlert error={object.error} title={`Could not load the ${nounOf(place!.kind).one}`} />
      ) : null}
      <UnlockPanel />
      <QueryView query={secrets} label="NetBox secrets">
        {(list) => (
          <Stack>
            <Group justify="space-between" wrap="wrap">
              <Group wrap="wrap">
                <Select
                  aria-label="Device or virtual machine"
                  placeholder="All devices and VMs"
                  data={places}
                  value={place ? placeKey(place) : null}
                  onChange={choosePlace}
                  clearable
                  searchable
                  w={240}
                />
                <Select
                  aria-label="Role"
                  placeholder="All roles"
                  data={(roles.data ?? []).map((r) => ({ value: String(r.id), label: r.name ?? `#${r.id}` }))}
                  value={role}
                  onChange={setRole}
                  clearable
                  w={180}
                />
                <TextInput
                  aria-label="Filter secrets"
                  placeholder="Filter by name or description"
                  value={filter}
                  onChange={(e) => setFilter(e.currentTarget.value)}
                  w={240}
                />
              </Group>
              {mayAdd ? (
                <Button
                  onClick={() => setEditing({ secret: null })}
                  disabled={!unlocked || !roles.data}
                  title={unlocked ? undefined : 'Unlock first: a new secret is encrypted with the master key'}
                >
                  New secret
                </Button>
              ) : null}
            </Group>
            {show.isError ? <ErrorAlert error={show.error} title="Value not shown" /> : null}
            {list.length === 0 ? (
              <Text c="dimmed">
                {place ? `No secrets for ${placeName} yet.` : 'No NetBox secrets yet.'}{' '}
                {mayAdd
                  ? roles.data?.length
                    ? 'Unlock, then add one with "New secret".'
                    : 'Create a role on the Roles page first, then unlock and add one.'
                  : 'Ask an administrator for access (netbox_secrets.secret view).'}
              </Text>
            ) : visible.length === 0 ? (
              <Text c="dimmed">No secret matches these filters.</Text>
            ) : (
              <div className="hush-table-wrap">
                <Table highlightOnHover>
                  <Table.Thead>
                    <Table.Tr>
                      <Table.Th>Name</Table.Th>
                      <Table.Th>Assigned to</Table.Th>
                      <Table.Th>Role</Table.Th>
                      <Table.Th>Value</Table.Th>
                      <Table.Th>
                        <VisuallyHidden>Actions</VisuallyHidden>
                      </Table.Th>
                    </Table.Tr>
                  </Table.Thead>
                  <Table.Tbody>
                    {visible.map((s) => {
                      const label = s.name || s.display;
                      const shown = values.has(s.id);
                      const value = values.get(s.id);
                      return (
                        <Table.Tr key={s.id}>
                          <Table.Td>
                            <Text fw={500}>{label}</Text>
                            {s.description ? (
                              <Text size="xs" c="dimmed">
                                {s.description}
                              </Text>
                            ) : null}
                          </Table.Td>
                          <Table.Td>
                            {s.assigned_object?.display ?? `#${s.assigned_object_id}`}{' '}
                            <Badge variant="light" size="sm" className="hush-hide-narrow">
                              {s.assigned_object_type === 'dcim.device' ? 'device' : 'VM'}
                            </Badge>
                          </Table.Td>
                          <Table.Td>{s.role?.name}</Table.Td>
                          <Table.Td>
                            {shown ? (
                              <Code className="hush-value" data-testid={`netbox-value-${s.id}`}>
                                {value ?? '(no value: unlock first)'}
                              </Code>
                            ) : (
                              <Text aria-label={`${label} hidden`}>{MASK}</Text>
                            )}
                          </Table.Td>
                          <Table.Td>
                            <Group gap={4} wrap="nowrap" justify="flex-end">
                              <Button
                                size="xs"
                                variant="subtle"
                                aria-label={`${shown ? 'Hide' : 'Show'} ${label}`}
                                disabled={!shown && !unlocked}
                                loading={show.isPending && show.variables === s.id}
                                onClick={() => (shown ? hide(s.id) : show.mutate(s.id))}
                              >
                                {shown ? 'Hide' : 'Show'}
                              </Button>
                              {shown && value ? (
                                <Button
                                  size="xs"
                                  variant="subtle"
                                  aria-label={`Copy ${label}`}
                                  onClick={() => void copyToClipboard(value, label)}
                                >
                                  Copy
                                </Button>
                              ) : null}
                              {mayChange ? (
                                <Button
                                  size="xs"
                                  variant="subtle"
                                  aria-label={`Edit ${label}`}
                                  disabled={!unlocked}
                                  onClick={() => setEditing({ secret: s })}
                                >
                                  Edit
                                </Button>
                              ) : null}
                              {mayDelete ? (
                                <ConfirmButton
                                  label="Delete"
                                  ariaLabel={`Delete ${label}`}
                                  title={`Delete ${label}?`}
                                  message={`The secret ${label} of ${s.assigned_object?.display ?? 'its object'} is deleted for everyone. This cannot be undone.`}
                                  confirm="Delete secret"
                                  onConfirm={() => remove(s.id)}
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
      <NetboxSecretForm
        secret={editing?.secret ?? null}
        opened={editing !== null}
        onClose={() => setEditing(null)}
        roles={roles.data ?? []}
        objects={objects}
        preset={place}
      />
    </Stack>
  );
}
