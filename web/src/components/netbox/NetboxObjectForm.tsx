import { Button, Group, Modal, Stack, TextInput, Textarea } from '@mantine/core';
import { useMutation, useQueryClient } from '@tanstack/react-query';
import { useEffect, useState, type FormEvent } from 'react';
import { netbox, type NetboxObject, type ObjectFields, type ObjectKind } from '../../api/netbox.ts';
import { ErrorAlert } from '../common.tsx';
import { nounOf } from './objects.ts';

/**
 * A new device or virtual machine, or a rename of one: its name (required, at most 64 characters, as NetBox's
 * serializer allows) and description. Hush's inventory holds only these (docs/wire/netbox.md §3.5).
 */
export function NetboxObjectForm(props: {
  kind: ObjectKind;
  object: NetboxObject | null;
  opened: boolean;
  onClose: () => void;
}) {
  const { kind, object, opened, onClose } = props;
  const noun = nounOf(kind);
  const queryClient = useQueryClient();
  const [draft, setDraft] = useState<ObjectFields>({ name: '', description: '' });
  useEffect(() => {
    setDraft(
      opened && object
        ? { name: object.name ?? '', description: object.description ?? '' }
        : { name: '', description: '' },
    );
  }, [opened, object]);

  const close = () => {
    save.reset();
    onClose();
  };
  const save = useMutation({
    mutationFn: (fields: ObjectFields) =>
      object ? netbox.updateObject({ kind, id: object.id }, fields) : netbox.createObject(kind, fields),
    onSuccess: async () => {
      // The lists of this page and the secrets page's pickers and assignments all show the name.
      await queryClient.invalidateQueries({ queryKey: ['netbox'] });
      close();
    },
  });
  // The value is read in the handler: React clears the event's currentTarget before an updater runs.
  const set = (field: keyof ObjectFields, value: string) => setDraft((d) => ({ ...d, [field]: value }));
  const submit = (e: FormEvent) => {
    e.preventDefault();
    save.mutate({ name: draft.name.trim(), description: draft.description });
  };
  const label = object?.display ?? object?.name ?? '';

  return (
    <Modal opened={opened} onClose={close} title={object ? `Rename ${label}` : `New ${noun.one}`}>
      <form onSubmit={submit}>
        <Stack>
          <TextInput
            label="Name"
            required
            value={draft.name}
            onChange={(e) => set('name', e.currentTarget.value)}
            maxLength={64}
            data-autofocus
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
            <Button variant="default" onClick={close}>
              Cancel
            </Button>
            <Button type="submit" loading={save.isPending} disabled={!draft.name.trim()}>
              {object ? 'Save' : `Create ${noun.one}`}
            </Button>
          </Group>
        </Stack>
      </form>
    </Modal>
  );
}
