import { Anchor, Breadcrumbs, Button, Group, Stack, Tabs, Text, Title } from '@mantine/core';
import { useQuery } from '@tanstack/react-query';
import { useEffect, useState } from 'react';
import { Link, useLocation } from 'wouter';
import { phase } from '../api/phase.ts';
import { ErrorAlert, QueryView } from '../components/common.tsx';
import { mayApp } from '../components/phase/access.ts';
import { AppSettings } from '../components/phase/AppSettings.tsx';
import { EnvCompare } from '../components/phase/EnvCompare.tsx';
import { SecretsTable } from '../components/phase/SecretsTable.tsx';
import { SseSwitch } from '../components/phase/SseSwitch.tsx';
import { useSession } from '../session.tsx';

/** `~compare` cannot be an environment's name (letters, digits, - and _ only), so it can share the address space. */
export const COMPARE = '~compare';

/**
 * One app: its environments as tabs (Development, Staging, Production, …) and the chosen one's secrets, or every
 * environment compared side by side; the app's settings (name, environments, deleting it) for those who may.
 */
export function PhaseApp({ appId, envName }: { appId: string; envName: string | undefined }) {
  const { access } = useSession();
  const [, navigate] = useLocation();
  const [settings, setSettings] = useState(false);
  const app = useQuery({ queryKey: ['phase', 'app', appId], queryFn: () => phase.app(appId) });
  const envs = useQuery({
    queryKey: ['phase', 'envs', appId],
    queryFn: () => phase.envs(appId),
    enabled: app.isSuccess,
  });
  // Phase's API refuses to read an app without SSE (403), but lists it: the list says what it is.
  const listed = useQuery({ queryKey: ['phase', 'apps'], queryFn: phase.apps, enabled: app.isError });
  const sseOff = app.isError ? listed.data?.find((a) => a.id === appId && !a.sseEnabled) : undefined;
  const comparing = envName === COMPARE;
  const current = comparing
    ? undefined
    : (envs.data?.find((e) => e.name.toLowerCase() === envName?.toLowerCase()) ?? envs.data?.[0]);

  // The first environment when none is named (or the named one is gone).
  useEffect(() => {
    if (!comparing && current && current.name !== envName)
      navigate(`/phase/${appId}/${encodeURIComponent(current.name)}`, { replace: true });
  }, [current, envName, appId, navigate, comparing]);
  const manage = mayApp(access, 'change', appId) || mayApp(access, 'delete', appId);
  const tab = comparing ? COMPARE : current?.id;

  return (
    <Stack>
      <Breadcrumbs>
        <Anchor component={Link} href="/phase">
          Phase apps
        </Anchor>
        <Text>{app.data?.name ?? '…'}</Text>
      </Breadcrumbs>
      {sseOff ? (
        <>
          <Title order={1}>{sseOff.name}</Title>
          <Text>
            This app keeps its secrets end-to-end encrypted (SSE off): Phase's CLI and SDKs read them; its REST API and
            this console read server-side-encrypted apps only.
          </Text>
          {mayApp(access, 'change', appId) ? <SseSwitch app={sseOff} /> : null}
        </>
      ) : (
        <QueryView query={app} label="the app">
          {(a) => (
            <>
              <Group justify="space-between" wrap="wrap">
                <Title order={1}>{a.name}</Title>
                {manage && envs.data ? (
                  <Button variant="default" onClick={() => setSettings(true)}>
                    App settings
                  </Button>
                ) : null}
              </Group>
              {a.description ? <Text c="dimmed">{a.description}</Text> : null}
              {envs.data ? (
                <AppSettings app={a} envs={envs.data} opened={settings} onClose={() => setSettings(false)} />
              ) : null}
              {envs.isError ? (
                <ErrorAlert error={envs.error} title="Could not load the environments" />
              ) : tab && envs.data ? (
                <Tabs
                  value={tab}
                  onChange={(id) => {
                    if (id === COMPARE) return navigate(`/phase/${appId}/${COMPARE}`);
                    const env = envs.data.find((e) => e.id === id);
                    if (env) navigate(`/phase/${appId}/${encodeURIComponent(env.name)}`);
                  }}
                >
                  <Tabs.List aria-label="Environments">
                    {envs.data.map((e) => (
                      <Tabs.Tab key={e.id} value={e.id}>
                        {e.name}
                      </Tabs.Tab>
                    ))}
                    {envs.data.length > 1 ? <Tabs.Tab value={COMPARE}>Compare</Tabs.Tab> : null}
                  </Tabs.List>
                  {/* A panel per tab (each tab names its panel), the secrets only in the shown one. */}
                  {envs.data.map((e) => (
                    <Tabs.Panel key={e.id} value={e.id} pt="md">
                      {e.id === tab ? <SecretsTable appId={appId} env={e.name} envId={e.id} /> : null}
                    </Tabs.Panel>
                  ))}
                  <Tabs.Panel value={COMPARE} pt="md">
                    {comparing ? <EnvCompare appId={appId} envs={envs.data} /> : null}
                  </Tabs.Panel>
                </Tabs>
              ) : envs.data ? (
                <Text c="dimmed">
                  You can reach no environment of this app.
                  {manage ? ' Add one in "App settings".' : ''}
                </Text>
              ) : (
                <Text>Loading environments…</Text>
              )}
            </>
          )}
        </QueryView>
      )}
    </Stack>
  );
}
