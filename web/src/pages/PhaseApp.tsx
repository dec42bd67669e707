import { Anchor, Breadcrumbs, Stack, Tabs, Text, Title } from '@mantine/core';
import { useQuery } from '@tanstack/react-query';
import { useEffect } from 'react';
import { Link, useLocation } from 'wouter';
import { phase } from '../api/phase.ts';
import { ErrorAlert, QueryView } from '../components/common.tsx';
import { SecretsTable } from '../components/SecretsTable.tsx';

/** One app: its environments as tabs (Development, Staging, Production, …) and the chosen one's secrets. */
export function PhaseApp({ appId, envName }: { appId: string; envName: string | undefined }) {
  const [, navigate] = useLocation();
  const app = useQuery({ queryKey: ['phase', 'app', appId], queryFn: () => phase.app(appId) });
  const envs = useQuery({
    queryKey: ['phase', 'envs', appId],
    queryFn: () => phase.envs(appId),
    enabled: app.isSuccess && app.data.sseEnabled,
  });
  const current = envs.data?.find((e) => e.name.toLowerCase() === envName?.toLowerCase()) ?? envs.data?.[0];

  // The first environment when none is named (or the named one is gone).
  useEffect(() => {
    if (current && current.name !== envName)
      navigate(`/phase/${appId}/${encodeURIComponent(current.name)}`, { replace: true });
  }, [current, envName, appId, navigate]);

  return (
    <Stack>
      <Breadcrumbs>
        <Anchor component={Link} href="/phase">
          Phase apps
        </Anchor>
        <Text>{app.data?.name ?? '…'}</Text>
      </Breadcrumbs>
      <QueryView query={app} label="the app">
        {(a) => (
          <>
            <Title order={1}>{a.name}</Title>
            {a.description ? <Text c="dimmed">{a.description}</Text> : null}
            {!a.sseEnabled ? (
              <Text>
                This app keeps its secrets end-to-end encrypted (SSE off): read them with Phase's CLI or SDKs; the
                console shows server-side-encrypted apps only.
              </Text>
            ) : envs.isError ? (
              <ErrorAlert error={envs.error} title="Could not load the environments" />
            ) : current && envs.data ? (
              <Tabs
                value={current.id}
                onChange={(id) => {
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
                </Tabs.List>
                {/* A panel per tab (each tab names its panel), the secrets only in the shown one. */}
                {envs.data.map((e) => (
                  <Tabs.Panel key={e.id} value={e.id} pt="md">
                    {e.id === current.id ? <SecretsTable appId={appId} env={e.name} envId={e.id} /> : null}
                  </Tabs.Panel>
                ))}
              </Tabs>
            ) : envs.data ? (
              <Text c="dimmed">You can reach no environment of this app.</Text>
            ) : (
              <Text>Loading environments…</Text>
            )}
          </>
        )}
      </QueryView>
    </Stack>
  );
}
