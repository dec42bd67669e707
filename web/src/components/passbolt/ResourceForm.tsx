import { Button, Group, Modal, PasswordInput, Stack, TextInput, Textarea } from '@mantine/core';
import { useMutation, useQueryClient } from '@tanstack/react-query';
import { useEffect, useState, type FormEvent } from 'react';
import { passbolt, type PassboltResource } from '../../api/passbolt.ts';
import { ErrorAlert } from '../common.tsx';
import {
  decryptSecret,
  encryptFor,
  parseSecret,
  serializeSecret,
  type SecretContent,
  type UnlockedKey,
} from './pgp.ts';

// Passbolt's default type for new resources: the password and the description, both encrypted.
const NEW_TYPE = 'password-and-description';

interface Draft {
  name: string;
  username: string;
  uri: string;
  password: string;
  description: string;
}
const empty: Draft = { name: '', username: '', uri: '', password: '', description: '' };

/**
 * A new resource (encrypted for its creator, the only holder), or an edit. An edit decrypts the user's copy to fill
 * the form; when the secret changed it is encrypted again for every user with access (each one's own message), and
 * the server refuses the update unless every holder has a copy.
 */
export function ResourceForm(props: {
  resource: PassboltResource | null;
  opened: boolean;
  onClose: () => void;
  unlocked: UnlockedKey;
  meId: string;
  myArmoredKey: string;
}) {
  const { resource, opened, onClose, unlocked, meId, myArmoredKey } = props;
  const queryClient = useQueryClient();
  const [draft, setDraft] = useState<Draft>(empty);
  const [original, setOriginal] = useState<SecretContent | null>(null);
  const [loadError, setLoadError] = useState<unknown>(null);
  const slug = resource?.resource_type?.slug ?? NEW_TYPE;

  // Filled when the dialog opens (the edit decrypts the current secret), emptied when it closes.
  useEffect(() => {
    setLoadError(null);
    setOriginal(null);
    setDraft(empty);
    if (!opened || !resource) return;
    let live = true;
    void (async () => {
      try {
        const content = parseSecret(await decryptSecret(await passbolt.secret(resource.id), unlocked), slug);
        if (!live) return;
        setOriginal(content);
        setDraft({
          name: resource.name,
          username: resource.username ?? '',
          uri: resource.uri ?? '',
          password: content.password,
          description: content.description || (resource.description ?? ''),
        });
      } catch (e) {
        if (live) setLoadError(e);
      }
    })();
    return () => {
      live = false;
    };
  }, [opened, resource, unlocked, slug]);

  const save = useMutation({
    mutationFn: async (d: Draft) => {
      const fields = { name: d.name.trim(), username: d.username, uri: d.uri };
      const content = { ...original, password: d.password, description: d.description };
      const plaintext = serializeSecret(content, slug);
      if (!resource) {
        const types = await passbolt.resourceTypes();
        const type = types.find((t) => t.slug === NEW_TYPE);
        if (!type) throw new Error(`The server has no "${NEW_TYPE}" resource type.`);
        const [copy] = await encryptFor(plaintext, [{ userId: meId, armoredKey: myArmoredKey }], unlocked);
        return passbolt.create({ ...fields, resource_type_id: type.id }, copy!.data);
      }
      const changed = !original || plaintext !== serializeSecret(original, slug);
      if (!changed) return passbolt.update(resource.id, fields, undefined);
      const holders = await passbolt.usersWithAccess(resource.id);
      const recipients = holders.flatMap((u) => (u.gpgkey ? [{ userId: u.id, armoredKey: u.gpgkey.armored_key }] : []));
      return passbolt.update(resource.id, fields, await encryptFor(plaintext, recipients, unlocked));
    },
    onSuccess: async () => {
      await queryClient.invalidateQueries({ queryKey: ['passbolt', 'resources'] });
      onClose();
    },
  });
  const set = (field: keyof Draft) => (e: { currentTarget: { value: string } }) => {
    const value = e.currentTarget.value;
    setDraft((d) => ({ ...d, [field]: value }));
  };
  const submit = (e: FormEvent) => {
    e.preventDefault();
    save.mutate(draft);
  };
  const loading = Boolean(resource) && !original && !loadError;

  return (
    <Modal opened={opened} onClose={onClose} title={resource ? `Edit ${resource.name}` : 'New Passbolt resource'}>
      <form onSubmit={submit}>
        <Stack>
          {loadError ? <ErrorAlert error={loadError} title="Could not decrypt the current secret" /> : null}
          <TextInput label="Name" required value={draft.name} onChange={set('name')} maxLength={255} data-autofocus />
          <TextInput label="Username" value={draft.username} onChange={set('username')} maxLength={255} />
          <TextInput label="URI" value={draft.uri} onChange={set('uri')} maxLength={1024} />
          <PasswordInput
            label="Password"
            required
            value={draft.password}
            onChange={set('password')}
            autoComplete="off"
            disabled={loading}
          />
          <Textarea
            label="Description (encrypted)"
            value={draft.description}
            onChange={set('description')}
            autosize
            minRows={2}
            maxLength={10000}
            disabled={loading}
          />
          {save.isError ? <ErrorAlert error={save.error} title="Not saved" /> : null}
          <Group justify="flex-end">
            <Button variant="default" onClick={onClose}>
              Cancel
            </Button>
            <Button type="submit" loading={save.isPending || loading} disabled={Boolean(loadError)}>
              {resource ? 'Save' : 'Create resource'}
            </Button>
          </Group>
        </Stack>
      </form>
    </Modal>
  );
}
