import { Button, Group, Modal, Stack, TagsInput, TextInput, Textarea } from '@mantine/core';
import { useMutation, useQuery, useQueryClient } from '@tanstack/react-query';
import { useEffect, useState, type FormEvent } from 'react';
import { phase, type PhaseSecret, type SecretFields } from '../../api/phase.ts';
import { ErrorAlert } from '../common.tsx';
import { isSealed } from './access.ts';

const KEY = /^[A-Za-z_][A-Za-z0-9_]*$/;
const empty: SecretFields = { key: '', value: '', comment: '', path: '/', tags: [] };

/**
 * Adds a secret to an environment, or edits one (`secret`): key, value, comment, folder path and tags. An edit sends
 * the value only when it was changed here, so a value holding `${…}` references stays as written even when reading
 * it as written failed; a sealed secret's value cannot change (the server would drop it) and is not offered.
 */
export function SecretForm(props: {
  appId: string;
  env: string;
  secret: PhaseSecret | null;
  opened: boolean;
  onClose: () => void;
}) {
  const { appId, env, secret, opened, onClose } = props;
  const queryClient = useQueryClient();
  const [fields, setFields] = useState<SecretFields>(empty);
  const [valueEdited, setValueEdited] = useState(false);
  const sealed = secret !== null && isSealed(secret);
  // The value as written (a reference stays `${…}`): the listing has it resolved; the current version as stored.
  const written = useQuery({
    queryKey: ['phase', 'written', appId, env, secret?.id],
    queryFn: () => phase.asWritten(appId, env, secret!.id),
    enabled: opened && secret !== null && !sealed,
    gcTime: 0,
    staleTime: 0,
    retry: false,
  });
  const asWritten = written.data?.value;
  // Without the value as written, the field would hold the resolved value: it stays empty and locked instead.
  const valueLocked = secret !== null && (sealed || asWritten === undefined);
  // Filled when the dialog opens, emptied when it closes: no value stays in the form's memory.
  useEffect(() => {
    setValueEdited(false);
    setFields(
      opened && secret
        ? {
            key: secret.key,
            value: asWritten ?? '',
            comment: secret.comment,
            path: secret.path,
            tags: secret.tags,
          }
        : empty,
    );
  }, [opened, secret, asWritten]);

  const save = useMutation({
    mutationFn: (f: SecretFields) =>
      secret ? phase.updateSecret(appId, env, secret.id, f) : phase.createSecret(appId, env, f),
    onSuccess: async () => {
      await queryClient.invalidateQueries({ queryKey: ['phase', 'secrets', appId, env] });
      onClose();
    },
  });
  // The value sent is in the mutation's variables: dropped when the dialog closes or the form goes.
  const { reset } = save;
  useEffect(() => {
    if (!opened) reset();
    return reset;
  }, [opened, reset]);
  const set = (field: keyof SecretFields) => (e: { currentTarget: { value: string } }) => {
    const value = e.currentTarget.value;
    if (field === 'value') setValueEdited(true);
    setFields((f) => ({ ...f, [field]: value }));
  };
  const keyProblem =
    fields.key && !KEY.test(fields.key)
      ? 'Letters, digits and _ only, not starting with a digit (an environment variable name)'
      : null;
  const submit = (e: FormEvent) => {
    e.preventDefault();
    if (keyProblem) return;
    const { value, ...rest } = fields;
    // An edit leaves the stored value alone unless it was changed here.
    const keepValue = secret !== null && (!valueEdited || valueLocked);
    save.mutate({
      ...rest,
      ...(keepValue ? {} : { value: value ?? '' }),
      key: fields.key.trim().toUpperCase(),
      path: fields.path.trim() || '/',
    });
  };

  return (
    <Modal opened={opened} onClose={onClose} title={secret ? `Edit ${secret.key}` : `New secret in ${env}`} size="lg">
      <form onSubmit={submit}>
        <Stack>
          <TextInput
            label="Key"
            required
            value={fields.key}
            onChange={set('key')}
            error={keyProblem}
            description="Stored in upper case"
            data-autofocus
            maxLength={256}
            autoComplete="off"
            spellCheck={false}
          />
          <Textarea
            label="Value"
            value={fields.value ?? ''}
            onChange={set('value')}
            disabled={valueLocked}
            description={
              sealed
                ? 'Sealed: the value cannot be changed (delete the secret and add it again)'
                : secret !== null && written.isError
                  ? 'The value could not be read as written; it is kept as it is'
                  : undefined
            }
            autosize
            minRows={2}
            maxRows={12}
            classNames={{ input: 'hush-value' }}
            autoComplete="off"
            spellCheck={false}
          />
          <TextInput label="Comment" value={fields.comment} onChange={set('comment')} autoComplete="off" />
          <TextInput
            label="Path"
            value={fields.path}
            onChange={set('path')}
            description="Folder, e.g. / or /backend"
            autoComplete="off"
            spellCheck={false}
          />
          <TagsInput
            label="Tags"
            description="Press Enter after each tag"
            value={fields.tags ?? []}
            onChange={(tags) => setFields((f) => ({ ...f, tags }))}
            maxTags={20}
          />
          {written.isError ? <ErrorAlert error={written.error} title="The value could not be read as written" /> : null}
          {save.isError ? <ErrorAlert error={save.error} title="Not saved" /> : null}
          <Group justify="flex-end">
            <Button variant="default" onClick={onClose}>
              Cancel
            </Button>
            <Button type="submit" loading={save.isPending || (secret !== null && !sealed && written.isPending)}>
              {secret ? 'Save' : 'Add secret'}
            </Button>
          </Group>
        </Stack>
      </form>
    </Modal>
  );
}
