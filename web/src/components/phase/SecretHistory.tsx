import { Badge, Card, Code, Group, Modal, Stack, Switch, Text } from '@mantine/core';
import { useQuery, useQueryClient } from '@tanstack/react-query';
import { useEffect, useState } from 'react';
import { phase, type PhaseSecret, type PhaseVersion } from '../../api/phase.ts';
import { ConfirmButton, QueryView, formatDate } from '../common.tsx';
import { MASK } from './SecretRow.tsx';
import { ValueDiff } from './ValueDiff.tsx';

type Field = 'key' | 'value' | 'comment' | 'path' | 'type' | 'tags';
const FIELDS: Field[] = ['key', 'value', 'comment', 'path', 'type', 'tags'];
const show = (v: PhaseVersion, f: Field) => (f === 'tags' ? v.tags.join(', ') || '(none)' : String(v[f]) || '""');

function changedFields(v: PhaseVersion, prev: PhaseVersion | undefined): Field[] {
  if (!prev) return [];
  return FIELDS.filter((f) => show(v, f) !== show(prev, f));
}

/** What one version changed against the one before it; values only once revealed. */
function VersionChanges({ v, prev, reveal }: { v: PhaseVersion; prev: PhaseVersion | undefined; reveal: boolean }) {
  if (!prev) return <Text size="sm">Created.</Text>;
  const changed = changedFields(v, prev);
  if (!changed.length) return <Text size="sm">No field changed (a new version of tags or an override).</Text>;
  return (
    <Stack gap={4}>
      {changed.map((f) => (
        <div key={f}>
          <Text size="sm" fw={500}>
            {f} changed
          </Text>
          {f === 'value' ? (
            reveal ? (
              <ValueDiff before={prev.value} after={v.value} />
            ) : (
              <Text size="sm" c="dimmed">
                {MASK} (reveal the values to see the change)
              </Text>
            )
          ) : (
            <ValueDiff before={show(prev, f)} after={show(v, f)} />
          )}
        </div>
      ))}
    </Stack>
  );
}

/**
 * A secret's versions, newest first, each with what it changed (Hush's `GET /v1/secrets/{id}/history/`), and
 * restoring one (`POST …/restore/`: the old key, value, comment, path and tags come back as a new version). Values
 * are stored as written, so a reference shows here as `${…}`, while the table shows it resolved.
 */
export function SecretHistory(props: {
  appId: string;
  env: string;
  secret: PhaseSecret | null;
  mayRestore: boolean;
  onClose: () => void;
}) {
  const { appId, env, secret, mayRestore, onClose } = props;
  const queryClient = useQueryClient();
  const [reveal, setReveal] = useState(false);
  useEffect(() => setReveal(false), [secret]);
  const history = useQuery({
    queryKey: ['phase', 'history', appId, env, secret?.id],
    queryFn: () => phase.history(appId, env, secret!.id),
    enabled: secret !== null,
    gcTime: 0,
    staleTime: 0,
  });
  const latest = history.data?.[history.data.length - 1];
  const written = latest && secret && latest.value !== secret.value ? latest.value : null;

  return (
    <Modal opened={secret !== null} onClose={onClose} title={secret ? `History of ${secret.key}` : ''} size="xl">
      {secret ? (
        <QueryView query={history} label={`the history of ${secret.key}`}>
          {(versions) => (
            <Stack>
              <Switch label="Reveal the values" checked={reveal} onChange={(e) => setReveal(e.currentTarget.checked)} />
              {reveal && written !== null ? (
                <Card withBorder padding="sm">
                  <Text size="sm" fw={500}>
                    References
                  </Text>
                  <Text size="sm">
                    As written:{' '}
                    <Code className="hush-value" data-testid="value-as-written">
                      {written}
                    </Code>
                  </Text>
                  <Text size="sm">
                    Resolved: <Code className="hush-value">{secret.value}</Code>
                  </Text>
                </Card>
              ) : null}
              {[...versions].reverse().map((v) => {
                const i = versions.indexOf(v);
                const current = i === versions.length - 1;
                return (
                  <Card key={v.version} withBorder padding="sm" data-version={v.version}>
                    <Group justify="space-between" wrap="wrap">
                      <Group gap="xs">
                        <Text fw={600}>Version {v.version}</Text>
                        {current ? <Badge variant="light">current</Badge> : null}
                        <Text size="xs" c="dimmed">
                          {formatDate(v.createdAt)}
                          {v.actor !== null ? ` · user #${v.actor}` : ''}
                        </Text>
                      </Group>
                      {mayRestore && !current ? (
                        <ConfirmButton
                          label="Restore"
                          variant="light"
                          ariaLabel={`Restore version ${v.version}`}
                          title={`Restore version ${v.version} of ${secret.key}?`}
                          message={`Its key, value, comment, path and tags become a new version of the secret in ${env}; the versions between stay in the history.`}
                          confirm="Restore"
                          onConfirm={async () => {
                            await phase.restore(appId, env, secret.id, v.version);
                            await queryClient.invalidateQueries({ queryKey: ['phase', 'secrets', appId, env] });
                            onClose();
                          }}
                        />
                      ) : null}
                    </Group>
                    <VersionChanges v={v} prev={versions[i - 1]} reveal={reveal} />
                  </Card>
                );
              })}
            </Stack>
          )}
        </QueryView>
      ) : null}
    </Modal>
  );
}
