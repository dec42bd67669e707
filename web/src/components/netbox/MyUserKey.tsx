import { Alert, Badge, Button, Code, Group, Modal, Stack, Text, Textarea } from '@mantine/core';
import { useMutation, useQueryClient } from '@tanstack/react-query';
import { useState } from 'react';
import { netbox, type NetboxUserKey } from '../../api/netbox.ts';
import { ErrorAlert, formatDate } from '../common.tsx';
import { download, generateRsaKeyPair, KEY_BITS } from './rsa-keys.ts';

const PRIVATE_KEY_FILE = 'netbox-private-key.pem';

/** Uploads a public key: the user's first, or a replacement (which the plugin deactivates until re-activated). */
function usePublish(existing: NetboxUserKey | undefined) {
  const queryClient = useQueryClient();
  return useMutation({
    mutationFn: (publicKey: string) =>
      existing ? netbox.replaceUserKey(existing.id, publicKey) : netbox.createUserKey(publicKey),
    onSuccess: () => queryClient.invalidateQueries({ queryKey: ['netbox'] }),
  });
}

/**
 * Generating in the browser: the pair is made by WebCrypto, the public half uploaded, and the private half offered
 * once as a file download. It stays in this dialog's state until the dialog closes, and nowhere else.
 */
function GenerateDialog({
  existing,
  opened,
  onClose,
}: {
  existing?: NetboxUserKey;
  opened: boolean;
  onClose: () => void;
}) {
  const publish = usePublish(existing);
  const [privateKey, setPrivateKey] = useState<string | null>(null);
  const [busy, setBusy] = useState(false);
  const close = () => {
    setPrivateKey(null);
    publish.reset();
    onClose();
  };
  const generate = async () => {
    setBusy(true);
    try {
      const pair = await generateRsaKeyPair();
      await publish.mutateAsync(pair.publicKey);
      setPrivateKey(pair.privateKey);
    } catch {
      // publish.error says why; a WebCrypto failure leaves the user where they were.
    } finally {
      setBusy(false);
    }
  };
  return (
    <Modal opened={opened} onClose={close} title="Generate a key pair">
      {privateKey ? (
        <Stack>
          <Alert color="orange" title="Save your private key now">
            Your public key is uploaded. The private key exists only in this dialog: download it and keep it safe. It
            unlocks your secrets, and Hush cannot recover it.
          </Alert>
          <Group justify="flex-end">
            <Button onClick={() => download(PRIVATE_KEY_FILE, privateKey)}>Download private key</Button>
            <Button variant="default" onClick={close}>
              Done
            </Button>
          </Group>
        </Stack>
      ) : (
        <Stack>
          <Text size="sm">
            A {KEY_BITS}-bit RSA key pair is made in this browser. Only the public key is sent to the server; you then
            download the private key.
            {existing ? ' Your current key is replaced and stays inactive until an administrator activates it.' : null}
          </Text>
          {publish.isError ? <ErrorAlert error={publish.error} title="Key not uploaded" /> : null}
          <Group justify="flex-end">
            <Button variant="default" onClick={close}>
              Cancel
            </Button>
            <Button loading={busy} onClick={() => void generate()}>
              Generate and upload
            </Button>
          </Group>
        </Stack>
      )}
    </Modal>
  );
}

function UploadDialog({
  existing,
  opened,
  onClose,
}: {
  existing?: NetboxUserKey;
  opened: boolean;
  onClose: () => void;
}) {
  const publish = usePublish(existing);
  const [text, setText] = useState('');
  const close = () => {
    setText('');
    publish.reset();
    onClose();
  };
  return (
    <Modal opened={opened} onClose={close} title="Upload a public key" size="lg">
      <form
        onSubmit={(e) => {
          e.preventDefault();
          publish.mutate(text.trim(), { onSuccess: close });
        }}
      >
        <Stack>
          <Textarea
            label="Public key (PEM)"
            description="-----BEGIN PUBLIC KEY-----…, RSA, at least 2048 bits. Never paste a private key here."
            value={text}
            onChange={(e) => setText(e.currentTarget.value)}
            autosize
            minRows={6}
            required
            data-autofocus
            className="hush-value"
          />
          {publish.isError ? <ErrorAlert error={publish.error} title="Key not uploaded" /> : null}
          <Group justify="flex-end">
            <Button variant="default" onClick={close}>
              Cancel
            </Button>
            <Button type="submit" loading={publish.isPending} disabled={!text.trim()}>
              Upload
            </Button>
          </Group>
        </Stack>
      </form>
    </Modal>
  );
}

/** The signed-in user's own NetBox user key: its state, and making or replacing it. */
export function MyUserKey({ mine, mayAdd, mayChange }: { mine?: NetboxUserKey; mayAdd: boolean; mayChange: boolean }) {
  const [dialog, setDialog] = useState<'generate' | 'upload' | null>(null);
  const mayPublish = mine ? mayChange : mayAdd;
  return (
    <Stack gap="xs">
      {mine ? (
        <Group gap="xs">
          <Text>Your key, uploaded {formatDate(mine.created)}:</Text>
          <Badge color={mine.is_active ? 'green' : 'orange'} variant="light">
            {mine.is_active ? 'active' : 'inactive'}
          </Badge>
        </Group>
      ) : (
        <Text>You have no user key yet: make one to read NetBox secrets.</Text>
      )}
      {mine && !mine.is_active ? (
        <Text size="sm" c="dimmed">
          An inactive key cannot unlock secrets yet: someone with an active key and the right to change user keys
          activates it here.
        </Text>
      ) : null}
      {mine?.public_key ? (
        <Code block className="hush-value">
          {mine.public_key}
        </Code>
      ) : null}
      {mayPublish ? (
        <Group>
          <Button onClick={() => setDialog('generate')}>
            {mine ? 'Replace with a new pair' : 'Generate a key pair'}
          </Button>
          <Button variant="default" onClick={() => setDialog('upload')}>
            Upload a public key
          </Button>
        </Group>
      ) : (
        <Text size="sm" c="dimmed">
          You may not {mine ? 'change' : 'add'} user keys (netbox_secrets.userkey); ask an administrator.
        </Text>
      )}
      <GenerateDialog existing={mine} opened={dialog === 'generate'} onClose={() => setDialog(null)} />
      <UploadDialog existing={mine} opened={dialog === 'upload'} onClose={() => setDialog(null)} />
    </Stack>
  );
}
