import { Alert, Button, FileInput, Group, Stack, Text } from '@mantine/core';
import { useMutation, useQuery, useQueryClient } from '@tanstack/react-query';
import { useState } from 'react';
import { netbox } from '../../api/netbox.ts';
import { ErrorAlert, formatDate } from '../common.tsx';
import { readKeyFile } from './rsa-keys.ts';

export const SESSION_KEY = ['netbox', 'session-key'] as const;

/** Is a NetBox session key open for the user? Plaintext reads and every write need one. */
export function useSessionKey() {
  return useQuery({ queryKey: SESSION_KEY, queryFn: netbox.sessionKey, staleTime: 30_000 });
}

/**
 * Unlocking as NetBox's UI does it: the user picks their private key file; its text is read here, sent once to
 * `POST /session-key/` and forgotten (the file input is cleared, nothing is kept in state after the request). The
 * server answers with a session key it keeps as the plugin's HttpOnly cookie; locking deletes it on the server.
 */
export function UnlockPanel() {
  const queryClient = useQueryClient();
  const session = useSessionKey();
  const [file, setFile] = useState<File | null>(null);
  const done = () => queryClient.invalidateQueries({ queryKey: ['netbox'] });
  const unlock = useMutation({
    mutationFn: async (picked: File) => netbox.unlock(await readKeyFile(picked)),
    onSettled: () => setFile(null),
    onSuccess: done,
  });
  const lock = useMutation({ mutationFn: netbox.lock, onSuccess: done });

  if (session.isPending) return <Text c="dimmed">Checking your session key…</Text>;
  if (session.isError) return <ErrorAlert error={session.error} title="Could not check your session key" />;
  if (session.data) {
    return (
      <Alert color="green" title="Unlocked" role="status">
        <Group justify="space-between">
          <Text size="sm">
            Your session key is open since {formatDate(session.data.created)}: values can be shown and changed.
          </Text>
          <Button size="xs" variant="default" loading={lock.isPending} onClick={() => lock.mutate()}>
            Lock
          </Button>
        </Group>
        {lock.isError ? <ErrorAlert error={lock.error} title="Not locked" /> : null}
      </Alert>
    );
  }
  return (
    <Alert color="blue" title="Locked">
      <Stack gap="xs">
        <Text size="sm">
          To show or change values, unlock with your private key file. It is read in this browser, sent once to make a
          session key, and not kept.
        </Text>
        <form
          onSubmit={(e) => {
            e.preventDefault();
            if (file) unlock.mutate(file);
          }}
        >
          <Group align="flex-end">
            <FileInput
              label="Private key file"
              value={file}
              onChange={setFile}
              clearable
              style={{ flex: 1, minWidth: '12rem' }}
            />
            <Button type="submit" disabled={!file} loading={unlock.isPending}>
              Unlock
            </Button>
          </Group>
        </form>
        {unlock.isError ? <ErrorAlert error={unlock.error} title="Not unlocked" /> : null}
      </Stack>
    </Alert>
  );
}
