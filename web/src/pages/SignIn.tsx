import { Alert, Button, Paper, PasswordInput, Stack, Text, TextInput, Title } from '@mantine/core';
import { useState, type FormEvent } from 'react';
import { describe } from '../api/errors.ts';
import { useSignIn } from '../session.tsx';

/** Username and password against the core's login sessions (rate-limited by the server). */
export function SignIn({ notice }: { notice: string | undefined }) {
  const signIn = useSignIn();
  const [username, setUsername] = useState('');
  const [password, setPassword] = useState('');
  const [busy, setBusy] = useState(false);
  const [error, setError] = useState<string | null>(null);

  const submit = async (event: FormEvent) => {
    event.preventDefault();
    setBusy(true);
    setError(null);
    try {
      await signIn(username, password);
    } catch (e) {
      setError(describe(e));
      setPassword('');
    } finally {
      setBusy(false);
    }
  };

  return (
    <main className="hush-signin">
      <Paper withBorder shadow="sm" p="lg" radius="md">
        <form onSubmit={(e) => void submit(e)} aria-labelledby="signin-title">
          <Stack>
            <Title order={1} size="h2" id="signin-title">
              Sign in to Hush
            </Title>
            {notice ? (
              <Alert color="blue" role="status">
                {notice}
              </Alert>
            ) : null}
            {error ? (
              <Alert color="red" role="alert" title="Not signed in">
                {error}
              </Alert>
            ) : null}
            <TextInput
              label="Username"
              name="username"
              autoComplete="username"
              required
              value={username}
              onChange={(e) => setUsername(e.currentTarget.value)}
              data-autofocus
              autoFocus
            />
            <PasswordInput
              label="Password"
              name="password"
              autoComplete="current-password"
              required
              value={password}
              onChange={(e) => setPassword(e.currentTarget.value)}
            />
            <Button type="submit" loading={busy} fullWidth>
              Sign in
            </Button>
            <Text size="xs" c="dimmed">
              Your account's password, given by an administrator (for the first admin: HUSH_BOOTSTRAP_PASSWORD on the
              server's first start).
            </Text>
          </Stack>
        </form>
      </Paper>
    </main>
  );
}
