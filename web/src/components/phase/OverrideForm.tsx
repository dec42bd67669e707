import { Button, Code, Group, Modal, Stack, Switch, Text, Textarea } from '@mantine/core';
import { useMutation, useQueryClient } from '@tanstack/react-query';
import { useEffect, useState, type FormEvent } from 'react';
import { phase, type PhaseSecret } from '../../api/phase.ts';
import { ConfirmButton, ErrorAlert } from '../common.tsx';

/**
 * The signed-in person's own value of a secret (Phase's "personal secret"): shown beside the shared value, which
 * stays what everyone else (and every service) reads. Setting it is Phase's PUT with `override`; removing it is
 * Hush's `DELETE /v1/secrets/{id}/override/` (Phase's REST API can only switch one off).
 */
export function OverrideForm(props: { appId: string; env: string; secret: PhaseSecret | null; onClose: () => void }) {
  const { appId, env, secret, onClose } = props;
  const queryClient = useQueryClient();
  const [value, setValue] = useState('');
  const [active, setActive] = useState(true);
  // Filled when the dialog opens, emptied when it closes: no value stays in the form's memory.
  useEffect(() => {
    setValue(secret?.override?.value ?? '');
    setActive(secret?.override?.isActive ?? true);
  }, [secret]);
  const refresh = () => queryClient.invalidateQueries({ queryKey: ['phase', 'secrets', appId, env] });
  const save = useMutation({
    mutationFn: () => phase.putOverride(appId, env, secret!.id, { value, isActive: active }),
    onSuccess: async () => {
      await refresh();
      onClose();
    },
  });
  // The value sent stays in the mutation's variables: dropped when the dialog closes or the form goes.
  const { reset } = save;
  useEffect(() => {
    if (secret === null) reset();
    return reset;
  }, [secret, reset]);
  const submit = (e: FormEvent) => {
    e.preventDefault();
    save.mutate();
  };
  return (
    <Modal opened={secret !== null} onClose={onClose} title={secret ? `Your override of ${secret.key}` : ''} size="lg">
      {secret ? (
        <form onSubmit={submit}>
          <Stack>
            <Text size="sm">
              Only you see this value, in place of the shared one when it is on; everyone else keeps reading the shared
              value of <Code>{secret.key}</Code> in {env}.
            </Text>
            <Textarea
              label="Your value"
              value={value}
              onChange={(e) => setValue(e.currentTarget.value)}
              autosize
              minRows={2}
              maxRows={10}
              classNames={{ input: 'hush-value' }}
              autoComplete="off"
              spellCheck={false}
              data-autofocus
            />
            <Switch label="On" checked={active} onChange={(e) => setActive(e.currentTarget.checked)} />
            {save.isError ? <ErrorAlert error={save.error} title="Override not saved" /> : null}
            <Group justify="space-between">
              {secret.override ? (
                <ConfirmButton
                  label="Remove override"
                  size="sm"
                  variant="light"
                  title={`Remove your override of ${secret.key}?`}
                  message="Your own value is deleted; you read the shared value again."
                  confirm="Remove override"
                  onConfirm={async () => {
                    await phase.deleteOverride(appId, env, secret.id);
                    await refresh();
                    onClose();
                  }}
                />
              ) : (
                <span />
              )}
              <Group gap="xs">
                <Button variant="default" onClick={onClose}>
                  Cancel
                </Button>
                <Button type="submit" loading={save.isPending}>
                  Save override
                </Button>
              </Group>
            </Group>
          </Stack>
        </form>
      ) : null}
    </Modal>
  );
}
