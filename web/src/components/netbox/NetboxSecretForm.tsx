import { Button, Group, Modal, PasswordInput, Select, Stack, TextInput, Textarea } from '@mantine/core';
import { useMutation, useQueryClient } from '@tanstack/react-query';
import { useEffect, useState, type FormEvent } from 'react';
import {
  netbox,
  OBJECT_KINDS,
  type NetboxObject,
  type NetboxRole,
  type NetboxSecret,
  type ObjectKind,
  type Place,
} from '../../api/netbox.ts';
import { ErrorAlert } from '../common.tsx';

interface Draft {
  kind: ObjectKind;
  objectId: string;
  roleId: string;
  name: string;
  description: string;
  plaintext: string;
}
const empty: Draft = { kind: 'dcim.device', objectId: '', roleId: '', name: '', description: '', plaintext: '' };

/**
 * A new secret, or an edit of one: what it belongs to (a device or a virtual machine), its role, name, description
 * and value. An edit leaves the value alone unless a new one is typed; the current value is never put in the form.
 */
export function NetboxSecretForm(props: {
  secret: NetboxSecret | null;
  opened: boolean;
  onClose: () => void;
  roles: NetboxRole[];
  objects: Record<ObjectKind, NetboxObject[]>;
  /** A new secret's device or VM, when the page shows one's secrets. */
  preset?: Place | undefined;
}) {
  const { secret, opened, onClose, roles, objects } = props;
  // By value: the page's `place` is a new object on each of its renders.
  const presetKind = props.preset?.kind;
  const presetId = props.preset?.id;
  const queryClient = useQueryClient();
  const [draft, setDraft] = useState<Draft>(empty);
  useEffect(() => {
    if (!opened) return setDraft(empty);
    setDraft(
      secret
        ? {
            kind: (secret.assigned_object_type as ObjectKind | undefined) ?? 'dcim.device',
            objectId: String(secret.assigned_object_id ?? ''),
            roleId: String(secret.role?.id ?? ''),
            name: secret.name ?? '',
            description: secret.description ?? '',
            plaintext: '',
          }
        : {
            ...empty,
            ...(presetKind && presetId ? { kind: presetKind, objectId: String(presetId) } : {}),
            roleId: roles.length === 1 ? String(roles[0]!.id) : '',
          },
    );
  }, [opened, secret, roles, presetKind, presetId]);

  const save = useMutation({
    mutationFn: (d: Draft) => {
      const fields = {
        assigned_object_type: d.kind,
        assigned_object_id: Number(d.objectId),
        role: Number(d.roleId),
        name: d.name.trim(),
        description: d.description,
        ...(d.plaintext || !secret ? { plaintext: d.plaintext } : {}),
      };
      return secret ? netbox.updateSecret(secret.id, fields) : netbox.createSecret(fields);
    },
    onSuccess: async () => {
      await queryClient.invalidateQueries({ queryKey: ['netbox', 'secrets'] });
      onClose();
    },
  });
  const submit = (e: FormEvent) => {
    e.preventDefault();
    save.mutate(draft);
  };
  const set = <K extends keyof Draft>(field: K, value: Draft[K]) => setDraft((d) => ({ ...d, [field]: value }));

  return (
    <Modal opened={opened} onClose={onClose} title={secret ? `Edit ${secret.display}` : 'New NetBox secret'} size="lg">
      <form onSubmit={submit}>
        <Stack>
          <Select
            label="Assigned to"
            data={Object.entries(OBJECT_KINDS).map(([value, label]) => ({ value, label }))}
            value={draft.kind}
            onChange={(v) => v && setDraft((d) => ({ ...d, kind: v as ObjectKind, objectId: '' }))}
            allowDeselect={false}
          />
          <Select
            label={OBJECT_KINDS[draft.kind]}
            required
            searchable
            data={objects[draft.kind].map((o) => ({ value: String(o.id), label: o.display ?? o.name ?? `#${o.id}` }))}
            value={draft.objectId || null}
            onChange={(v) => set('objectId', v ?? '')}
            nothingFoundMessage="None yet: add it in NetBox's inventory first"
          />
          <Select
            label="Role"
            required
            data={roles.map((r) => ({ value: String(r.id), label: r.name ?? r.display ?? `#${r.id}` }))}
            value={draft.roleId || null}
            onChange={(v) => set('roleId', v ?? '')}
            nothingFoundMessage="No roles yet: create one on the Roles page"
          />
          <TextInput
            label="Name"
            value={draft.name}
            onChange={(e) => set('name', e.currentTarget.value)}
            maxLength={100}
            data-autofocus
          />
          <PasswordInput
            label={secret ? 'New value' : 'Value'}
            description={secret ? 'Leave empty to keep the current value' : undefined}
            required={!secret}
            value={draft.plaintext}
            onChange={(e) => set('plaintext', e.currentTarget.value)}
            autoComplete="off"
          />
          <Textarea
            label="Description"
            value={draft.description}
            onChange={(e) => set('description', e.currentTarget.value)}
            autosize
            minRows={2}
            maxLength={200}
          />
          {save.isError ? <ErrorAlert error={save.error} title="Not saved" /> : null}
          <Group justify="flex-end">
            <Button variant="default" onClick={onClose}>
              Cancel
            </Button>
            <Button type="submit" loading={save.isPending} disabled={!draft.objectId || !draft.roleId}>
              {secret ? 'Save' : 'Create secret'}
            </Button>
          </Group>
        </Stack>
      </form>
    </Modal>
  );
}
