import { Alert, Button, FileInput, Group, PasswordInput, Stack, Text, Textarea } from '@mantine/core';
import { useMutation, useQueryClient } from '@tanstack/react-query';
import { useState } from 'react';
import { passbolt, type PassboltUser } from '../../api/passbolt.ts';
import { ErrorAlert } from '../common.tsx';
import { unlockPrivateKey, type UnlockedKey } from './pgp.ts';

const MAX_KEY_FILE = 256 * 1024;

async function readFile(file: File): Promise<string> {
  if (file.size > MAX_KEY_FILE) throw new Error('That file is too large to be a key.');
  return file.text();
}

/** No key registered yet: the user's OpenPGP public key, pasted, is registered with `POST /gpgkeys.json`. */
function RegisterKey() {
  const queryClient = useQueryClient();
  const [armored, setArmored] = useState('');
  const register = useMutation({
    mutationFn: () => passbolt.registerKey(armored.trim()),
    onSuccess: () => queryClient.invalidateQueries({ queryKey: ['passbolt'] }),
  });
  return (
    <Alert color="blue" title="Register your OpenPGP key">
      <form
        onSubmit={(e) => {
          e.preventDefault();
          register.mutate();
        }}
      >
        <Stack gap="xs">
          <Text size="sm">
            Passbolt secrets are encrypted to each user&apos;s OpenPGP key. Paste your public key (gpg --armor --export
            you@example.com) to receive them; keep the private key to yourself.
          </Text>
          <Textarea
            label="Public key (armored)"
            value={armored}
            onChange={(e) => setArmored(e.currentTarget.value)}
            autosize
            minRows={4}
            required
            className="hush-value"
          />
          {register.isError ? <ErrorAlert error={register.error} title="Key not registered" /> : null}
          <Group>
            <Button type="submit" loading={register.isPending} disabled={!armored.trim()}>
              Register key
            </Button>
          </Group>
        </Stack>
      </form>
    </Alert>
  );
}

/**
 * Unlocking for this page: the private key file is read and decrypted with the passphrase in the browser; the
 * result goes to the page's memory only (`onUnlocked`). The file's text and the passphrase are cleared at once.
 */
export function KeyUnlock(props: {
  me: PassboltUser | null;
  unlocked: UnlockedKey | null;
  onUnlocked: (key: UnlockedKey | null) => void;
}) {
  const { me, unlocked, onUnlocked } = props;
  const [file, setFile] = useState<File | null>(null);
  const [passphrase, setPassphrase] = useState('');
  const unlock = useMutation({
    mutationFn: async (picked: File) =>
      unlockPrivateKey(await readFile(picked), passphrase, me?.gpgkey?.fingerprint ?? undefined),
    onSettled: () => {
      setPassphrase('');
      setFile(null);
    },
    onSuccess: onUnlocked,
  });

  if (!me?.gpgkey) return <RegisterKey />;
  if (unlocked) {
    return (
      <Alert color="green" title="Unlocked in this page" role="status">
        <Group justify="space-between">
          <Text size="sm">
            Your key {unlocked.fingerprint.slice(-16)} decrypts secrets here. It is forgotten when you leave this page.
          </Text>
          <Button size="xs" variant="default" onClick={() => onUnlocked(null)}>
            Lock
          </Button>
        </Group>
      </Alert>
    );
  }
  return (
    <Alert color="blue" title="Locked">
      <form
        onSubmit={(e) => {
          e.preventDefault();
          if (file) unlock.mutate(file);
        }}
      >
        <Stack gap="xs">
          <Text size="sm">
            Secrets are decrypted in this browser with your OpenPGP private key ({me.gpgkey.fingerprint.slice(-16)}).
            The key and its passphrase never leave this page and are not stored.
          </Text>
          <Group align="flex-end" wrap="wrap">
            <FileInput
              label="Private key file"
              value={file}
              onChange={setFile}
              clearable
              style={{ flex: 1, minWidth: '12rem' }}
            />
            <PasswordInput
              label="Passphrase"
              value={passphrase}
              onChange={(e) => setPassphrase(e.currentTarget.value)}
              autoComplete="off"
              style={{ flex: 1, minWidth: '12rem' }}
            />
            <Button type="submit" disabled={!file} loading={unlock.isPending}>
              Unlock
            </Button>
          </Group>
          {unlock.isError ? <ErrorAlert error={unlock.error} title="Not unlocked" /> : null}
        </Stack>
      </form>
    </Alert>
  );
}
