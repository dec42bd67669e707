import { Button, Group, Modal, PasswordInput, Select, Stack, Switch, Text, TextInput } from '@mantine/core';
import { useMutation, useQueryClient } from '@tanstack/react-query';
import { useState, type FormEvent } from 'react';
import { api } from '../../api/client.ts';
import { unwrap } from '../../api/errors.ts';
import { ErrorAlert } from '../common.tsx';

export const USERS = ['admin', 'users'] as const;
const MIN_PASSWORD = 8;

/** A new person or service account; only a superuser is offered the superuser switch (the server refuses others). */
export function NewUser({
  opened,
  onClose,
  mayMakeSuperuser,
}: {
  opened: boolean;
  onClose: () => void;
  mayMakeSuperuser: boolean;
}) {
  const queryClient = useQueryClient();
  const [username, setUsername] = useState('');
  const [password, setPassword] = useState('');
  const [kind, setKind] = useState<'person' | 'service'>('person');
  const [superuser, setSuperuser] = useState(false);
  const reset = () => {
    setUsername('');
    setPassword('');
    setKind('person');
    setSuperuser(false);
  };
  const create = useMutation({
    mutationFn: async () =>
      unwrap(
        await api.POST('/api/users/users/', {
          body: {
            username: username.trim(),
            kind,
            ...(password ? { password } : {}),
            ...(mayMakeSuperuser ? { is_superuser: superuser } : {}),
          },
        }),
      ),
    onSuccess: async () => {
      await queryClient.invalidateQueries({ queryKey: USERS });
      reset();
      onClose();
    },
  });
  const close = () => {
    reset();
    create.reset();
    onClose();
  };
  const submit = (e: FormEvent) => {
    e.preventDefault();
    create.mutate();
  };
  return (
    <Modal opened={opened} onClose={close} title="New user">
      <form onSubmit={submit}>
        <Stack>
          <TextInput
            label="Username"
            required
            value={username}
            onChange={(e) => setUsername(e.currentTarget.value)}
            maxLength={150}
            data-autofocus
          />
          <Select
            label="Kind"
            data={[
              { value: 'person', label: 'Person (signs in with a password)' },
              { value: 'service', label: 'Service account (uses tokens only)' },
            ]}
            value={kind}
            onChange={(v) => setKind(v === 'service' ? 'service' : 'person')}
            allowDeselect={false}
          />
          <PasswordInput
            label="Password"
            description={
              kind === 'service'
                ? 'Usually left empty: a service account works with API tokens'
                : `At least ${MIN_PASSWORD} characters; give it to the person, who can change it under Account`
            }
            value={password}
            onChange={(e) => setPassword(e.currentTarget.value)}
            autoComplete="new-password"
            minLength={password ? MIN_PASSWORD : undefined}
          />
          {mayMakeSuperuser ? (
            <Switch
              label="Superuser (may do everything, including making other superusers)"
              checked={superuser}
              onChange={(e) => setSuperuser(e.currentTarget.checked)}
            />
          ) : null}
          {create.isError ? <ErrorAlert error={create.error} title="User not created" /> : null}
          <Group justify="flex-end">
            <Button variant="default" onClick={close}>
              Cancel
            </Button>
            <Button type="submit" loading={create.isPending}>
              Create user
            </Button>
          </Group>
        </Stack>
      </form>
    </Modal>
  );
}

/** Sets another user's password (an administrator's reset); the user can change it afterwards. */
export function ResetPassword({
  user,
  onClose,
}: {
  user: { id: number; username: string } | null;
  onClose: () => void;
}) {
  const queryClient = useQueryClient();
  const [password, setPassword] = useState('');
  const reset = useMutation({
    mutationFn: async (id: number) =>
      unwrap(await api.PATCH('/api/users/users/{id}/', { params: { path: { id } }, body: { password } })),
    onSuccess: async () => {
      await queryClient.invalidateQueries({ queryKey: USERS });
      close();
    },
  });
  const close = () => {
    setPassword('');
    reset.reset();
    onClose();
  };
  return (
    <Modal opened={user !== null} onClose={close} title={`Reset the password of ${user?.username ?? ''}`}>
      <form
        onSubmit={(e) => {
          e.preventDefault();
          if (user) reset.mutate(user.id);
        }}
      >
        <Stack>
          <Text size="sm">
            The new password works at once. Tell it to {user?.username} over a channel you trust; their open sessions
            and tokens keep working.
          </Text>
          <PasswordInput
            label="New password"
            required
            minLength={MIN_PASSWORD}
            value={password}
            onChange={(e) => setPassword(e.currentTarget.value)}
            autoComplete="new-password"
            data-autofocus
          />
          {reset.isError ? <ErrorAlert error={reset.error} title="Password not reset" /> : null}
          <Group justify="flex-end">
            <Button variant="default" onClick={close}>
              Cancel
            </Button>
            <Button type="submit" loading={reset.isPending}>
              Set password
            </Button>
          </Group>
        </Stack>
      </form>
    </Modal>
  );
}
