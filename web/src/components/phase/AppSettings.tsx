import {
  Button,
  Divider,
  Group,
  Modal,
  Stack,
  Table,
  Text,
  TextInput,
  Textarea,
  Title,
  VisuallyHidden,
} from '@mantine/core';
import { useMutation, useQueryClient } from '@tanstack/react-query';
import { useEffect, useState, type FormEvent } from 'react';
import { useLocation } from 'wouter';
import { describe } from '../../api/errors.ts';
import { phase, type PhaseApp, type PhaseEnv } from '../../api/phase.ts';
import { useSession } from '../../session.tsx';
import { ConfirmButton, ErrorAlert } from '../common.tsx';
import { mayApp } from './access.ts';
import { SseSwitch } from './SseSwitch.tsx';

const ENV_NAME = /^[a-zA-Z0-9_-]{1,64}$/;
const envNameProblem = (name: string) =>
  name && !ENV_NAME.test(name) ? 'Letters, digits, - and _ only, up to 64 characters' : null;

function EnvRow({
  appId,
  env,
  mayChange,
  mayDelete,
}: {
  appId: string;
  env: PhaseEnv;
  mayChange: boolean;
  mayDelete: boolean;
}) {
  const queryClient = useQueryClient();
  const [location, navigate] = useLocation();
  const [name, setName] = useState(env.name);
  const rename = useMutation({
    mutationFn: () => phase.renameEnv(env.id, name.trim()),
    onSuccess: async (renamed) => {
      // The open environment is named in the address: the list learns the new name before the address does, or
      // the page would find no environment of the old name and fall back to the first.
      const key = ['phase', 'envs', appId];
      queryClient.setQueryData<PhaseEnv[]>(key, (envs) => envs?.map((e) => (e.id === env.id ? renamed : e)));
      if (location.toLowerCase() === `/phase/${appId}/${encodeURIComponent(env.name)}`.toLowerCase())
        navigate(`/phase/${appId}/${encodeURIComponent(renamed.name)}`, { replace: true });
      await queryClient.invalidateQueries({ queryKey: key });
    },
  });
  const problem = envNameProblem(name);
  return (
    <Table.Tr>
      <Table.Td>
        {mayChange ? (
          <form
            onSubmit={(e) => {
              e.preventDefault();
              if (!problem && name.trim() !== env.name) rename.mutate();
            }}
          >
            <Group gap="xs" wrap="nowrap" align="flex-start">
              <TextInput
                aria-label={`Name of environment ${env.name}`}
                value={name}
                onChange={(e) => setName(e.currentTarget.value)}
                error={problem ?? (rename.isError ? describe(rename.error) : null)}
                size="xs"
                maxLength={64}
              />
              <Button
                type="submit"
                size="xs"
                variant="default"
                disabled={name.trim() === env.name || !!problem}
                loading={rename.isPending}
                aria-label={`Rename environment ${env.name}`}
              >
                Rename
              </Button>
            </Group>
          </form>
        ) : (
          env.name
        )}
      </Table.Td>
      <Table.Td className="hush-hide-narrow">{env.envType}</Table.Td>
      <Table.Td>
        {mayDelete ? (
          <ConfirmButton
            label="Delete"
            ariaLabel={`Delete environment ${env.name}`}
            title={`Delete the environment ${env.name}?`}
            message={`${env.name} and every secret in it are deleted. Services reading it will no longer find them.`}
            confirm="Delete environment"
            onConfirm={async () => {
              await phase.deleteEnv(env.id);
              await queryClient.invalidateQueries({ queryKey: ['phase', 'envs', appId] });
            }}
          />
        ) : null}
      </Table.Td>
    </Table.Tr>
  );
}

/**
 * An app's settings: its name and description, its environments (add, rename, delete) and deleting the app, each
 * offered only when `GET /api/users/me/access/` says the user may, and each destructive step confirmed first.
 */
export function AppSettings(props: { app: PhaseApp; envs: PhaseEnv[]; opened: boolean; onClose: () => void }) {
  const { app, envs, opened, onClose } = props;
  const { access } = useSession();
  const queryClient = useQueryClient();
  const [, navigate] = useLocation();
  const [name, setName] = useState(app.name);
  const [description, setDescription] = useState(app.description);
  const [newEnv, setNewEnv] = useState('');
  useEffect(() => {
    setName(app.name);
    setDescription(app.description);
    setNewEnv('');
  }, [app, opened]);
  const mayChange = mayApp(access, 'change', app.id);
  const mayDelete = mayApp(access, 'delete', app.id);

  const save = useMutation({
    mutationFn: () => phase.updateApp(app.id, { name: name.trim(), description }),
    onSuccess: async () => {
      // The app and the apps list only: all of ['phase'] would reload the open environment (and audit a read of
      // every secret in it) for a change of name or description.
      await Promise.all([
        queryClient.invalidateQueries({ queryKey: ['phase', 'app', app.id] }),
        queryClient.invalidateQueries({ queryKey: ['phase', 'apps'] }),
      ]);
    },
  });
  const addEnv = useMutation({
    mutationFn: () => phase.createEnv(app.id, newEnv.trim()),
    onSuccess: async () => {
      setNewEnv('');
      await queryClient.invalidateQueries({ queryKey: ['phase', 'envs', app.id] });
    },
  });
  const submit = (e: FormEvent) => {
    e.preventDefault();
    save.mutate();
  };
  const newEnvProblem = envNameProblem(newEnv.trim());

  return (
    <Modal opened={opened} onClose={onClose} title={`Settings of ${app.name}`} size="lg">
      <Stack>
        {mayChange ? (
          <form onSubmit={submit}>
            <Stack gap="xs">
              <TextInput
                label="App name"
                required
                value={name}
                onChange={(e) => setName(e.currentTarget.value)}
                maxLength={64}
              />
              <Textarea
                label="Description"
                value={description}
                onChange={(e) => setDescription(e.currentTarget.value)}
                autosize
                minRows={2}
              />
              {save.isError ? <ErrorAlert error={save.error} title="Not saved" /> : null}
              {save.isSuccess ? (
                <Text size="sm" role="status">
                  Saved.
                </Text>
              ) : null}
              <Group justify="flex-end">
                <Button type="submit" loading={save.isPending} disabled={!name.trim()}>
                  Save app
                </Button>
              </Group>
            </Stack>
          </form>
        ) : (
          <Text size="sm">You may not change this app (phase.app change).</Text>
        )}
        <Divider />
        <Title order={3} size="h4">
          Environments
        </Title>
        <div className="hush-table-wrap">
          <Table>
            <Table.Thead>
              <Table.Tr>
                <Table.Th>Name</Table.Th>
                <Table.Th className="hush-hide-narrow">Type</Table.Th>
                <Table.Th>
                  <VisuallyHidden>Actions</VisuallyHidden>
                </Table.Th>
              </Table.Tr>
            </Table.Thead>
            <Table.Tbody>
              {envs.map((e) => (
                <EnvRow key={e.id} appId={app.id} env={e} mayChange={mayChange} mayDelete={mayDelete} />
              ))}
            </Table.Tbody>
          </Table>
        </div>
        {mayChange ? (
          <form
            onSubmit={(e) => {
              e.preventDefault();
              if (newEnv.trim() && !newEnvProblem) addEnv.mutate();
            }}
          >
            <Group gap="xs" align="flex-end">
              <TextInput
                label="New environment"
                placeholder="e.g. QA"
                value={newEnv}
                onChange={(e) => setNewEnv(e.currentTarget.value)}
                error={newEnvProblem}
                maxLength={64}
              />
              <Button
                type="submit"
                variant="default"
                loading={addEnv.isPending}
                disabled={!newEnv.trim() || !!newEnvProblem}
              >
                Add environment
              </Button>
            </Group>
            {addEnv.isError ? <ErrorAlert error={addEnv.error} title="Environment not added" /> : null}
          </form>
        ) : null}
        {mayChange ? (
          <>
            <Divider />
            <SseSwitch app={app} onTurnedOff={onClose} />
          </>
        ) : null}
        {mayDelete ? (
          <>
            <Divider />
            <Group justify="space-between">
              <Text size="sm">Deleting the app deletes its environments and all their secrets.</Text>
              <ConfirmButton
                label="Delete app"
                size="sm"
                variant="light"
                title={`Delete the app ${app.name}?`}
                message={`${app.name}, its ${envs.length} environments and every secret in them are deleted. This cannot be undone.`}
                confirm="Delete app"
                onConfirm={async () => {
                  await phase.deleteApp(app.id);
                  queryClient.removeQueries({ queryKey: ['phase'] });
                  onClose();
                  navigate('/phase');
                }}
              />
            </Group>
          </>
        ) : null}
      </Stack>
    </Modal>
  );
}
