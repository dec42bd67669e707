import { Button, Group, Modal, Stack, TextInput, Textarea } from '@mantine/core';
import { useMutation, useQueryClient } from '@tanstack/react-query';
import { useEffect, useState, type FormEvent } from 'react';
import { lists, type ListValue } from '../../api/lists.ts';
import { ErrorAlert } from '../common.tsx';

const KEY = /^[A-Za-z_][A-Za-z0-9_]*$/;

/** Adds a value to a list, or changes one (`value`): its key and its secret (a change is a new version). */
export function ValueForm(props: { list: string; value: ListValue | null; opened: boolean; onClose: () => void }) {
  const { list, value, opened, onClose } = props;
  const queryClient = useQueryClient();
  const [key, setKey] = useState('');
  const [secret, setSecret] = useState('');
  // Filled when the dialog opens, emptied when it closes: no value stays in the form's memory.
  useEffect(() => {
    setKey(opened && value ? value.secret_key : '');
    setSecret(opened && value ? value.secret_value : '');
  }, [opened, value]);
  const save = useMutation({
    mutationFn: () =>
      value
        ? lists.updateValue(list, value.id, {
            ...(key !== value.secret_key ? { secret_key: key } : {}),
            secret_value: secret,
          })
        : lists.addValue(list, key, secret),
    onSuccess: async () => {
      await queryClient.invalidateQueries({ queryKey: ['lists'] });
      onClose();
    },
  });
  // The value sent stays in the mutation's closure: dropped when the dialog closes or the form goes.
  const { reset } = save;
  useEffect(() => {
    if (!opened) reset();
    return reset;
  }, [opened, reset]);
  const problem = key && !KEY.test(key) ? 'Letters, digits and _ only, not starting with a digit' : null;
  const submit = (e: FormEvent) => {
    e.preventDefault();
    if (!problem) save.mutate();
  };
  return (
    <Modal
      opened={opened}
      onClose={onClose}
      title={value ? `Edit ${value.secret_key}` : `New value in ${list}`}
      size="lg"
    >
      <form onSubmit={submit}>
        <Stack>
          <TextInput
            label="Key"
            required
            value={key}
            onChange={(e) => setKey(e.currentTarget.value)}
            error={problem}
            description="Unique across every list; templates use ${{secret.KEY}}"
            data-autofocus
            maxLength={128}
            autoComplete="off"
            spellCheck={false}
          />
          <Textarea
            label="Value"
            value={secret}
            onChange={(e) => setSecret(e.currentTarget.value)}
            autosize
            minRows={2}
            maxRows={12}
            classNames={{ input: 'hush-value' }}
            autoComplete="off"
            spellCheck={false}
          />
          {save.isError ? <ErrorAlert error={save.error} title="Not saved" /> : null}
          <Group justify="flex-end">
            <Button variant="default" onClick={onClose}>
              Cancel
            </Button>
            <Button type="submit" loading={save.isPending}>
              {value ? 'Save' : 'Add value'}
            </Button>
          </Group>
        </Stack>
      </form>
    </Modal>
  );
}
