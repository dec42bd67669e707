import { Button, Checkbox, Group, Modal, MultiSelect, Select, Stack, Text, TextInput } from '@mantine/core';
import { useMutation, useQuery, useQueryClient } from '@tanstack/react-query';
import { useState, type FormEvent } from 'react';
import { api } from '../../api/client.ts';
import { unwrap } from '../../api/errors.ts';
import { ErrorAlert } from '../common.tsx';
import { OBJECT_SOURCES } from './objectSources.ts';

export const PERMISSIONS = ['admin', 'permissions'] as const;
const ANY = '';

/** The objects of `type` to narrow a grant to, from the type's own API, or an id field when there is none. */
function ObjectPicker({
  type,
  idOf,
  value,
  onChange,
}: {
  type: string;
  idOf: string;
  value: string;
  onChange: (v: string) => void;
}) {
  const source = OBJECT_SOURCES[type];
  const objects = useQuery({
    queryKey: ['admin', 'objects', type],
    queryFn: () => source!(),
    enabled: source !== undefined,
  });
  if (!source) {
    return (
      <TextInput
        label="Only this object (optional)"
        description={`${idOf}; leave empty for every object`}
        value={value}
        onChange={(e) => onChange(e.currentTarget.value)}
      />
    );
  }
  return (
    <Select
      label="Only this object (optional)"
      description={objects.isError ? 'Could not list them: type the id instead' : `Every object, or ${idOf}`}
      data={[{ value: ANY, label: 'Every object' }, ...(objects.data ?? [])]}
      value={value}
      onChange={(v) => onChange(v ?? ANY)}
      searchable
      allowDeselect={false}
      nothingFoundMessage="No such object"
      disabled={objects.isPending}
    />
  );
}

/** Grants actions on one object type (optionally one object of it) to some users. */
export function GrantForm({ opened, onClose }: { opened: boolean; onClose: () => void }) {
  const queryClient = useQueryClient();
  const types = useQuery({
    queryKey: ['admin', 'object-types'],
    queryFn: async () => unwrap(await api.GET('/api/users/object-types/')).results,
    enabled: opened,
  });
  const users = useQuery({
    queryKey: ['admin', 'users'],
    queryFn: async () => unwrap(await api.GET('/api/users/users/', { params: { query: { limit: '1000' } } })).results,
    enabled: opened,
  });
  const [name, setName] = useState('');
  const [type, setType] = useState<string | null>(null);
  const [actions, setActions] = useState<string[]>([]);
  const [objectId, setObjectId] = useState(ANY);
  const [userIds, setUserIds] = useState<string[]>([]);
  const spec = types.data?.find((t) => t.name === type);
  const reset = () => {
    setName('');
    setType(null);
    setActions([]);
    setObjectId(ANY);
    setUserIds([]);
  };
  const grant = useMutation({
    mutationFn: async () =>
      unwrap(
        await api.POST('/api/users/permissions/', {
          body: {
            name: name.trim() || `${actions.join(', ')} on ${type ?? ''}`.slice(0, 100),
            object_types: type ? [type] : [],
            actions,
            users: userIds.map(Number),
            constraints: objectId ? { id: objectId } : null,
          },
        }),
      ),
    onSuccess: async () => {
      await queryClient.invalidateQueries({ queryKey: PERMISSIONS });
      reset();
      onClose();
    },
  });
  const close = () => {
    reset();
    grant.reset();
    onClose();
  };
  const submit = (e: FormEvent) => {
    e.preventDefault();
    grant.mutate();
  };
  return (
    <Modal opened={opened} onClose={close} title="Grant a permission" size="lg">
      <form onSubmit={submit}>
        <Stack>
          {types.isError ? <ErrorAlert error={types.error} title="Could not list the object types" /> : null}
          <Select
            label="Object type"
            required
            searchable
            data={(types.data ?? []).map((t) => ({ value: t.name, label: t.name }))}
            value={type}
            onChange={(v) => {
              setType(v);
              setActions([]);
              setObjectId(ANY);
            }}
            description={spec?.description ?? 'What the permission is about'}
            disabled={types.isPending}
            data-autofocus
          />
          {spec ? (
            <Checkbox.Group label="Actions" required value={actions} onChange={setActions}>
              <Group mt="xs">
                {spec.actions.map((a) => (
                  <Checkbox key={a} value={a} label={a} />
                ))}
              </Group>
            </Checkbox.Group>
          ) : null}
          {spec && spec.object_id ? (
            <ObjectPicker
              key={spec.name}
              type={spec.name}
              idOf={spec.object_id}
              value={objectId}
              onChange={setObjectId}
            />
          ) : spec ? (
            <Text size="xs" c="dimmed">
              {spec.name} is granted whole (no check looks at one object of it).
            </Text>
          ) : null}
          <MultiSelect
            label="Users"
            required
            searchable
            data={(users.data ?? []).map((u) => ({ value: String(u.id), label: u.username }))}
            value={userIds}
            onChange={setUserIds}
            description={users.isError ? 'Could not list the users (you may not view them)' : 'Who receives it'}
          />
          <TextInput
            label="Name"
            value={name}
            onChange={(e) => setName(e.currentTarget.value)}
            maxLength={100}
            description="Optional; made from the actions and type when empty"
          />
          {grant.isError ? <ErrorAlert error={grant.error} title="Permission not granted" /> : null}
          <Group justify="flex-end">
            <Button variant="default" onClick={close}>
              Cancel
            </Button>
            <Button type="submit" loading={grant.isPending} disabled={!type || !actions.length || !userIds.length}>
              Grant
            </Button>
          </Group>
        </Stack>
      </form>
    </Modal>
  );
}
