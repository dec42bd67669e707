import { Alert, Button, Card, Group, PasswordInput, Stack, Text, Title } from '@mantine/core';
import { useMutation } from '@tanstack/react-query';
import { useState, type FormEvent } from 'react';
import { api } from '../api/client.ts';
import { unwrap } from '../api/errors.ts';
import { PageHeader } from '../components/admin/PageHeader.tsx';
import { ErrorAlert } from '../components/common.tsx';
import { useSession } from '../session.tsx';

const MIN_PASSWORD = 8;

/** Changing one's own password: needs the current one; the server signs out every other session of the user. */
function ChangePassword() {
  const [current, setCurrent] = useState('');
  const [next, setNext] = useState('');
  const [again, setAgain] = useState('');
  const change = useMutation({
    mutationFn: async () =>
      unwrap(await api.POST('/api/users/me/password/', { body: { current_password: current, new_password: next } })),
    onSuccess: () => {
      // The passwords leave memory with the form.
      setCurrent('');
      setNext('');
      setAgain('');
    },
  });
  const mismatch = again !== '' && again !== next;
  const submit = (e: FormEvent) => {
    e.preventDefault();
    if (!mismatch) change.mutate();
  };
  return (
    <Card withBorder className="hush-account">
      <form onSubmit={submit} aria-labelledby="password-title">
        <Stack>
          <Title order={2} size="h3" id="password-title">
            Change your password
          </Title>
          <PasswordInput
            label="Current password"
            required
            value={current}
            onChange={(e) => setCurrent(e.currentTarget.value)}
            autoComplete="current-password"
          />
          <PasswordInput
            label="New password"
            description={`At least ${MIN_PASSWORD} characters`}
            required
            minLength={MIN_PASSWORD}
            value={next}
            onChange={(e) => setNext(e.currentTarget.value)}
            autoComplete="new-password"
          />
          <PasswordInput
            label="New password again"
            required
            value={again}
            onChange={(e) => setAgain(e.currentTarget.value)}
            autoComplete="new-password"
            error={mismatch ? 'The two new passwords differ' : undefined}
          />
          {change.isError ? <ErrorAlert error={change.error} title="Password not changed" /> : null}
          {change.isSuccess ? (
            <Alert color="green" title="Password changed" role="status">
              {change.data.sessions_closed === 0
                ? 'You had no other sessions open.'
                : `Your ${change.data.sessions_closed} other session${change.data.sessions_closed === 1 ? ' was' : 's were'} signed out.`}{' '}
              Your API tokens keep working.
            </Alert>
          ) : null}
          <Group justify="flex-end">
            <Button type="submit" loading={change.isPending} disabled={mismatch}>
              Change password
            </Button>
          </Group>
        </Stack>
      </form>
    </Card>
  );
}

/** The signed-in user's own account. */
export function Account() {
  const { me, access } = useSession();
  const minutes = Math.round(access.idle_timeout_seconds / 60);
  return (
    <Stack>
      <PageHeader
        title="Your account"
        intro={`Signed in as ${me.user.username}. The console signs you out after ${minutes} minutes without activity (the server's HUSH_CONSOLE_IDLE_MINUTES).`}
      />
      {me.user.kind === 'service' ? (
        <Text>Service accounts work with API tokens and have no password to change here.</Text>
      ) : (
        <ChangePassword />
      )}
    </Stack>
  );
}
