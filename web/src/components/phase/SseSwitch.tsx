import { Button, Group, Stack, Text } from '@mantine/core';
import { useMutation, useQueryClient } from '@tanstack/react-query';
import { phase, type PhaseApp } from '../../api/phase.ts';
import { ConfirmButton, ErrorAlert } from '../common.tsx';

/**
 * Turning server-side encryption on or off after an app is made (PUT /v1/apps/{id}/ with `sseEnabled`). Off, Phase's
 * REST API and this console refuse the app's secrets and only Phase's end-to-end clients (CLI, SDKs) read them; on,
 * both do. Nothing is deleted either way.
 */
export function SseSwitch({ app, onTurnedOff }: { app: PhaseApp; onTurnedOff?: () => void }) {
  const queryClient = useQueryClient();
  const turnOn = useMutation({
    mutationFn: () => phase.updateApp(app.id, { sseEnabled: true }),
    onSuccess: () => queryClient.invalidateQueries({ queryKey: ['phase'] }),
  });
  if (!app.sseEnabled)
    return (
      <Stack gap="xs" align="flex-start">
        <Button onClick={() => turnOn.mutate()} loading={turnOn.isPending}>
          Turn on server-side encryption
        </Button>
        {turnOn.isError ? <ErrorAlert error={turnOn.error} title="SSE not turned on" /> : null}
      </Stack>
    );
  return (
    <Group justify="space-between">
      <Text size="sm">Server-side encryption is on: the REST API and this console read the secrets.</Text>
      <ConfirmButton
        label="Turn off SSE"
        size="sm"
        variant="light"
        title={`Turn off server-side encryption for ${app.name}?`}
        message="Phase's REST API, scripts using it and this console will no longer read or change the app's secrets; Phase's CLI and SDKs still do. Nothing is deleted, and it can be turned on again."
        confirm="Turn off SSE"
        onConfirm={async () => {
          await phase.updateApp(app.id, { sseEnabled: false });
          // The settings close with it: the app's page no longer shows them, and would reopen them with SSE.
          onTurnedOff?.();
          await queryClient.invalidateQueries({ queryKey: ['phase'] });
        }}
      />
    </Group>
  );
}
