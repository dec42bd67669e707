import { Alert, Button, Center, Group, Loader, Modal, Stack, Text } from '@mantine/core';
import { notifications } from '@mantine/notifications';
import type { UseQueryResult } from '@tanstack/react-query';
import { useState, type ReactNode } from 'react';
import { describe } from '../api/errors.ts';

/** A server refusal or failure as a sentence, never a broken page. */
export function ErrorAlert({ error, title = 'Something went wrong' }: { error: unknown; title?: string }) {
  return (
    <Alert color="red" title={title} role="alert">
      {describe(error)}
    </Alert>
  );
}

/** Loading, error and content states of one query, the same on every page. */
export function QueryView<T>({
  query,
  children,
  label,
}: {
  query: UseQueryResult<T>;
  children: (data: T) => ReactNode;
  label: string;
}) {
  if (query.isPending) {
    return (
      <Center py="xl">
        <Loader aria-label={`Loading ${label}`} />
      </Center>
    );
  }
  if (query.isError) return <ErrorAlert error={query.error} title={`Could not load ${label}`} />;
  return <>{children(query.data)}</>;
}

/** A destructive action behind a confirmation dialog that names what goes. */
export function ConfirmButton(props: {
  label: string;
  title: string;
  message: ReactNode;
  confirm: string;
  onConfirm: () => Promise<unknown>;
  size?: 'xs' | 'sm';
  variant?: 'subtle' | 'light' | 'filled';
  ariaLabel?: string;
}) {
  const [open, setOpen] = useState(false);
  const [busy, setBusy] = useState(false);
  const [error, setError] = useState<unknown>(null);
  const run = async () => {
    setBusy(true);
    setError(null);
    try {
      await props.onConfirm();
      setOpen(false);
    } catch (e) {
      setError(e);
    } finally {
      setBusy(false);
    }
  };
  return (
    <>
      <Button
        color="red"
        variant={props.variant ?? 'subtle'}
        size={props.size ?? 'xs'}
        onClick={() => setOpen(true)}
        aria-label={props.ariaLabel}
      >
        {props.label}
      </Button>
      <Modal opened={open} onClose={() => setOpen(false)} title={props.title} centered>
        <Stack>
          <Text>{props.message}</Text>
          {error ? <ErrorAlert error={error} /> : null}
          <Group justify="flex-end">
            <Button variant="default" onClick={() => setOpen(false)}>
              Cancel
            </Button>
            <Button color="red" loading={busy} onClick={() => void run()}>
              {props.confirm}
            </Button>
          </Group>
        </Stack>
      </Modal>
    </>
  );
}

/** Seconds after which a copied value is wiped from the clipboard, if it is still there and the browser lets us. */
let clipboardClearSeconds = 30;

/** The server's `clipboard_clear_seconds` (HUSH_CONSOLE_CLIPBOARD_SECONDS), set once the caller's access is known. */
export function setClipboardClearSeconds(seconds: number): void {
  clipboardClearSeconds = seconds;
}

export async function copyToClipboard(value: string, what: string): Promise<void> {
  try {
    await navigator.clipboard.writeText(value);
  } catch {
    notifications.show({ color: 'red', title: 'Not copied', message: 'The browser refused access to the clipboard.' });
    return;
  }
  const seconds = clipboardClearSeconds;
  notifications.show({
    title: 'Copied',
    message: seconds
      ? `${what} copied; the clipboard is cleared in ${seconds} seconds.`
      : `${what} copied; clear the clipboard yourself when done.`,
    autoClose: 3000,
  });
  if (!seconds) return;
  window.setTimeout(() => {
    void (async () => {
      // Leave the clipboard alone if something else was copied since; clear it when it cannot be read back.
      const now = await navigator.clipboard.readText().catch(() => value);
      if (now === value) await navigator.clipboard.writeText('').catch(() => undefined);
    })();
  }, seconds * 1000);
}

export const formatDate = (iso: string | null | undefined) => (iso ? new Date(iso).toLocaleString() : '—');
