import { Alert, Button, Code, Group, Modal, MultiSelect, Select, Stack, Switch, Text, TextInput } from '@mantine/core';
import { useMutation, useQuery, useQueryClient } from '@tanstack/react-query';
import { useState, type FormEvent } from 'react';
import { api, untypedBody } from '../../api/client.ts';
import { unwrap } from '../../api/errors.ts';
import { phase } from '../../api/phase.ts';
import { can, useSession } from '../../session.tsx';
import { copyToClipboard, ErrorAlert } from '../common.tsx';

export const TOKENS = ['admin', 'tokens'] as const;
const ALL = '';

/** What the server answered, shown once: the key (and, for a Phase-format token, its `/v1` bearer header). */
interface Minted {
  key: string;
  bearer?: string;
}

/** The apps and environments a Phase-format token may be narrowed to, as the signed-in user sees them. */
function PhaseScope(props: {
  apps: string[];
  setApps: (v: string[]) => void;
  envs: string[];
  setEnvs: (v: string[]) => void;
}) {
  const options = useQuery({
    queryKey: ['admin', 'phase-scope'],
    queryFn: async () => {
      const apps = await phase.apps();
      const envs = await Promise.all(apps.map(async (a) => ({ app: a, envs: await phase.envs(a.id) })));
      return {
        apps: apps.map((a) => ({ value: a.id, label: a.name })),
        envs: envs.flatMap(({ app, envs: list }) =>
          list.map((e) => ({ value: e.id, label: `${app.name} / ${e.name}` })),
        ),
      };
    },
  });
  if (options.isError) return <ErrorAlert error={options.error} title="Could not list your Phase apps" />;
  return (
    <>
      <MultiSelect
        label="Only these apps"
        description="All their environments, present and future; empty with no environment below: everything you reach"
        data={options.data?.apps ?? []}
        value={props.apps}
        onChange={props.setApps}
        searchable
        disabled={options.isPending}
      />
      <MultiSelect
        label="Only these environments"
        data={options.data?.envs ?? []}
        value={props.envs}
        onChange={props.setEnvs}
        searchable
        disabled={options.isPending}
      />
    </>
  );
}

/**
 * A new token: description, expiry, read-only, confined to one engine, or in Phase's format (narrowed to apps or
 * environments) for Phase's CLI and SDKs. The key is shown once and leaves memory when the dialog closes.
 */
export function NewTokenForm({ opened, onClose }: { opened: boolean; onClose: () => void }) {
  const { me, access } = useSession();
  const queryClient = useQueryClient();
  const [description, setDescription] = useState('');
  const [expires, setExpires] = useState('');
  const [writeEnabled, setWriteEnabled] = useState(true);
  const [engine, setEngine] = useState(ALL);
  const [phaseFormat, setPhaseFormat] = useState(false);
  const [apps, setApps] = useState<string[]>([]);
  const [envs, setEnvs] = useState<string[]>([]);
  const [owner, setOwner] = useState(String(me.user.id));
  const [minted, setMinted] = useState<Minted | null>(null);
  const forOthers = can(access, 'users.token', 'add') && can(access, 'users.user', 'view');
  const status = useQuery({
    queryKey: ['status'],
    queryFn: async () => unwrap(await api.GET('/api/status/')),
    enabled: opened,
  });
  const users = useQuery({
    queryKey: ['admin', 'users'],
    queryFn: async () => unwrap(await api.GET('/api/users/users/', { params: { query: { limit: '1000' } } })).results,
    enabled: opened && forOthers,
  });
  const expiry = expires ? new Date(`${expires}T23:59:59`).toISOString() : null;
  const create = useMutation({
    mutationFn: async (): Promise<Minted> => {
      const user = Number(owner);
      if (phaseFormat) {
        const narrowed = apps.length || envs.length;
        const made = unwrap(
          await api.POST('/v1/tokens/', {
            body: untypedBody({
              user,
              description: description || undefined,
              expires: expiry,
              write_enabled: writeEnabled,
              ...(narrowed ? { apps, environments: envs } : {}),
            }),
          }),
        );
        return { key: made.token, bearer: made.bearer_token };
      }
      const made = unwrap(
        await api.POST('/api/users/tokens/', {
          body: { user, description, write_enabled: writeEnabled, expires: expiry, engine: engine || null },
        }),
      );
      return { key: made.key ?? '' };
    },
    onSuccess: async (result) => {
      setMinted(result);
      await queryClient.invalidateQueries({ queryKey: TOKENS });
    },
  });
  const close = () => {
    setMinted(null);
    setDescription('');
    setExpires('');
    setWriteEnabled(true);
    setEngine(ALL);
    setPhaseFormat(false);
    setApps([]);
    setEnvs([]);
    setOwner(String(me.user.id));
    create.reset();
    onClose();
  };
  const submit = (e: FormEvent) => {
    e.preventDefault();
    create.mutate();
  };
  const engines = (status.data?.engines ?? []).map((name) => ({ value: name, label: `Only the ${name} API` }));
  const phaseServed = status.data?.engines.includes('phase') ?? false;

  return (
    <Modal opened={opened} onClose={close} title={minted ? 'Your new token' : 'New API token'} size="lg">
      {minted ? (
        <Stack>
          <Alert color="orange" title="Copy it now">
            This is the only time the token is shown. Store it where your script or service reads its secrets.
          </Alert>
          <Code block className="hush-value" data-testid="new-token">
            {minted.key}
          </Code>
          {minted.bearer ? (
            <Text size="sm">
              Phase's CLI and SDKs take the whole token; its REST API takes the header{' '}
              <Code>Authorization: Bearer {minted.bearer.split(' ')[0]} …</Code>, which is in the token too.
            </Text>
          ) : null}
          <Group justify="flex-end">
            <Button variant="default" onClick={() => void copyToClipboard(minted.key, 'The token')}>
              Copy
            </Button>
            <Button onClick={close}>Done</Button>
          </Group>
        </Stack>
      ) : (
        <form onSubmit={submit}>
          <Stack>
            {forOthers ? (
              <Select
                label="For"
                data={(users.data ?? [{ id: me.user.id, username: me.user.username }]).map((u) => ({
                  value: String(u.id),
                  label: u.id === me.user.id ? `${u.username} (you)` : u.username,
                }))}
                value={owner}
                onChange={(v) => setOwner(v ?? String(me.user.id))}
                allowDeselect={false}
                searchable
                description="A token acts as its owner, with the owner's permissions"
              />
            ) : null}
            <TextInput
              label="Description"
              value={description}
              onChange={(e) => setDescription(e.currentTarget.value)}
              maxLength={200}
              data-autofocus
              placeholder="What uses it, e.g. CI deploy job"
            />
            <TextInput
              label="Expires"
              type="date"
              value={expires}
              onChange={(e) => setExpires(e.currentTarget.value)}
              description="Leave empty for a token that does not expire"
            />
            <Switch
              label="May change data (write enabled)"
              checked={writeEnabled}
              onChange={(e) => setWriteEnabled(e.currentTarget.checked)}
            />
            {phaseServed ? (
              <Switch
                label="Phase format (pss_…), for Phase's CLI and SDKs"
                checked={phaseFormat}
                onChange={(e) => setPhaseFormat(e.currentTarget.checked)}
              />
            ) : null}
            {phaseFormat ? (
              <PhaseScope apps={apps} setApps={setApps} envs={envs} setEnvs={setEnvs} />
            ) : (
              <Select
                label="Works on"
                data={[{ value: ALL, label: 'Every API of this server' }, ...engines]}
                value={engine}
                onChange={(v) => setEngine(v ?? ALL)}
                allowDeselect={false}
                description="A token confined to one engine is refused everywhere else"
              />
            )}
            {create.isError ? <ErrorAlert error={create.error} title="Token not created" /> : null}
            <Group justify="flex-end">
              <Button variant="default" onClick={close}>
                Cancel
              </Button>
              <Button type="submit" loading={create.isPending}>
                Create token
              </Button>
            </Group>
          </Stack>
        </form>
      )}
    </Modal>
  );
}
