import { Badge, Button, Code, Group, Stack, Switch, Table, Text, TextInput, VisuallyHidden } from '@mantine/core';
import { useQueries } from '@tanstack/react-query';
import { useMemo, useState } from 'react';
import { phase, type PhaseEnv, type PhaseSecret } from '../../api/phase.ts';
import { useSession } from '../../session.tsx';
import { ErrorAlert } from '../common.tsx';
import { maySecrets } from './access.ts';
import { MASK } from './SecretRow.tsx';

interface Line {
  id: string;
  key: string;
  path: string;
  cells: (PhaseSecret | undefined)[];
  missing: string[];
  differs: boolean;
}

/**
 * Every environment of an app side by side (beyond Phase's console): which keys are missing where and which differ
 * in value, values masked until a row is revealed. It reads each environment's secrets like the table does (each
 * read is audited); values are compared in memory here, never sent anywhere.
 */
export function EnvCompare({ appId, envs: all }: { appId: string; envs: PhaseEnv[] }) {
  // The environments list names every environment of the app; only those whose secrets the user may view compare.
  const { access } = useSession();
  const envs = useMemo(() => all.filter((e) => maySecrets(access, 'view', e.id)), [all, access]);
  const unreadable = all.filter((e) => !envs.includes(e)).map((e) => e.name);
  const results = useQueries({
    queries: envs.map((e) => ({
      queryKey: ['phase', 'secrets', appId, e.name],
      queryFn: () => phase.secrets(appId, e.name),
      gcTime: 0,
      staleTime: 0,
    })),
  });
  const [onlyDiff, setOnlyDiff] = useState(true);
  const [filter, setFilter] = useState('');
  const [revealed, setRevealed] = useState<ReadonlySet<string>>(new Set());
  const failed = results.find((r) => r.isError);
  const ready = results.every((r) => r.isSuccess);
  const data = results.map((r) => r.data);
  // The answers change only when one is fetched again: their times stand for them.
  const stamp = results.map((r) => r.dataUpdatedAt).join(',');

  const lines = useMemo(() => {
    if (!data.every(Boolean)) return [];
    const byId = new Map<string, Line>();
    data.forEach((list, i) => {
      for (const s of list!) {
        const id = `${s.path}\u0000${s.key}`;
        let line = byId.get(id);
        if (!line) {
          line = { id, key: s.key, path: s.path, cells: envs.map(() => undefined), missing: [], differs: false };
          byId.set(id, line);
        }
        line.cells[i] = s;
      }
    });
    for (const line of byId.values()) {
      line.missing = envs.filter((_, i) => !line.cells[i]).map((e) => e.name);
      const values = new Set(line.cells.filter(Boolean).map((s) => s!.value));
      line.differs = values.size > 1;
    }
    return [...byId.values()].sort((a, b) => a.path.localeCompare(b.path) || a.key.localeCompare(b.key));
    // `data` is a new array each render; `stamp` says when one of its answers changed.
  }, [stamp, envs]);

  const noAccess = unreadable.length ? (
    <Text size="sm" c="dimmed">
      Not compared (you may not view their secrets): {unreadable.join(', ')}
    </Text>
  ) : null;
  if (failed) return <ErrorAlert error={failed.error} title="Could not load every environment" />;
  if (!ready) return <Text>Loading the environments…</Text>;
  const needle = filter.trim().toLowerCase();
  const shown = lines.filter(
    (l) => (!onlyDiff || l.differs || l.missing.length) && (!needle || l.key.toLowerCase().includes(needle)),
  );
  const toggle = (id: string) =>
    setRevealed((r) => {
      const next = new Set(r);
      if (next.has(id)) next.delete(id);
      else next.add(id);
      return next;
    });
  const differing = lines.filter((l) => l.differs || l.missing.length).length;

  return (
    <Stack>
      {noAccess}
      <Group wrap="wrap" gap="md">
        <TextInput
          aria-label="Filter keys"
          placeholder="Filter by key"
          value={filter}
          onChange={(e) => setFilter(e.currentTarget.value)}
          w={240}
        />
        <Switch
          label="Only keys that differ"
          checked={onlyDiff}
          onChange={(e) => setOnlyDiff(e.currentTarget.checked)}
        />
        <Text size="sm" aria-live="polite">
          {lines.length} keys, {differing} missing somewhere or differing.
        </Text>
      </Group>
      {shown.length === 0 ? (
        <Text c="dimmed">
          {lines.length === 0
            ? 'No secrets in any environment yet.'
            : onlyDiff
              ? 'Every key is in every environment with the same value.'
              : 'No key matches the filter.'}
        </Text>
      ) : (
        <div className="hush-table-wrap">
          <Table aria-label="Environments compared" verticalSpacing="xs">
            <Table.Thead>
              <Table.Tr>
                <Table.Th>Key</Table.Th>
                {envs.map((e) => (
                  <Table.Th key={e.id}>{e.name}</Table.Th>
                ))}
                <Table.Th>Status</Table.Th>
              </Table.Tr>
            </Table.Thead>
            <Table.Tbody>
              {shown.map((l) => {
                const open = revealed.has(l.id);
                return (
                  <Table.Tr key={l.id} data-key={l.key}>
                    <Table.Td>
                      <Text ff="monospace" size="sm" fw={500}>
                        {l.key}
                      </Text>
                      {l.path !== '/' ? (
                        <Text size="xs" c="dimmed" ff="monospace">
                          {l.path}
                        </Text>
                      ) : null}
                    </Table.Td>
                    {l.cells.map((s, i) => (
                      <Table.Td key={envs[i]!.id}>
                        {!s ? (
                          <Badge color="red" variant="light">
                            missing
                          </Badge>
                        ) : open ? (
                          <Code className="hush-value" data-testid="compare-value">
                            {s.value}
                          </Code>
                        ) : (
                          <Text size="sm">
                            <span aria-hidden="true">{MASK}</span>
                            <VisuallyHidden>hidden value</VisuallyHidden>
                          </Text>
                        )}
                      </Table.Td>
                    ))}
                    <Table.Td>
                      <Group gap={4} wrap="nowrap">
                        {l.missing.length ? (
                          <Badge color="red" variant="outline">
                            missing in {l.missing.join(', ')}
                          </Badge>
                        ) : null}
                        {l.differs ? (
                          <Badge color="orange" variant="outline">
                            differs
                          </Badge>
                        ) : null}
                        {!l.differs && !l.missing.length ? (
                          <Badge color="green" variant="outline">
                            same
                          </Badge>
                        ) : null}
                        <Button
                          size="xs"
                          variant="subtle"
                          onClick={() => toggle(l.id)}
                          aria-label={`${open ? 'Hide' : 'Reveal'} ${l.key} in every environment`}
                        >
                          {open ? 'Hide' : 'Reveal'}
                        </Button>
                      </Group>
                    </Table.Td>
                  </Table.Tr>
                );
              })}
            </Table.Tbody>
          </Table>
        </div>
      )}
    </Stack>
  );
}
