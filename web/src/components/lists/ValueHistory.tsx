import { Badge, Card, Group, Modal, Stack, Switch, Text } from '@mantine/core';
import { useQuery, useQueryClient } from '@tanstack/react-query';
import { useEffect, useState } from 'react';
import { lists, type ListValue } from '../../api/lists.ts';
import { ConfirmButton, QueryView, formatDate } from '../common.tsx';
import { MASK } from '../phase/SecretRow.tsx';
import { ValueDiff } from '../phase/ValueDiff.tsx';

/** A value's versions, newest first, with what each changed, and restoring one as a new version. */
export function ValueHistory(props: {
  list: string;
  value: ListValue | null;
  mayRestore: boolean;
  onClose: () => void;
}) {
  const { list, value, mayRestore, onClose } = props;
  const queryClient = useQueryClient();
  const [reveal, setReveal] = useState(false);
  useEffect(() => setReveal(false), [value]);
  const history = useQuery({
    queryKey: ['lists', 'history', list, value?.id],
    queryFn: () => lists.history(list, value!.id),
    enabled: value !== null,
    gcTime: 0,
    staleTime: 0,
  });
  return (
    <Modal opened={value !== null} onClose={onClose} title={value ? `History of ${value.secret_key}` : ''} size="xl">
      {value ? (
        <QueryView query={history} label={`the history of ${value.secret_key}`}>
          {(versions) => (
            <Stack>
              <Switch label="Reveal the values" checked={reveal} onChange={(e) => setReveal(e.currentTarget.checked)} />
              {[...versions].reverse().map((v) => {
                const i = versions.indexOf(v);
                const prev = versions[i - 1];
                const current = i === versions.length - 1;
                return (
                  <Card key={v.version} withBorder padding="sm" data-version={v.version}>
                    <Group justify="space-between" wrap="wrap">
                      <Group gap="xs">
                        <Text fw={600}>Version {v.version}</Text>
                        {current ? <Badge variant="light">current</Badge> : null}
                        <Text size="xs" c="dimmed">
                          {formatDate(v.created_at)}
                          {v.actor !== null ? ` · user #${v.actor}` : ''}
                        </Text>
                      </Group>
                      {mayRestore && !current ? (
                        <ConfirmButton
                          label="Restore"
                          variant="light"
                          ariaLabel={`Restore version ${v.version}`}
                          title={`Restore version ${v.version} of ${value.secret_key}?`}
                          message="Its key and value become a new version; the versions between stay in the history."
                          confirm="Restore"
                          onConfirm={async () => {
                            await lists.restore(list, value.id, v.version);
                            await queryClient.invalidateQueries({ queryKey: ['lists'] });
                            onClose();
                          }}
                        />
                      ) : null}
                    </Group>
                    {!prev ? (
                      <Text size="sm">Created.</Text>
                    ) : (
                      <Stack gap={4}>
                        {prev.secret_key !== v.secret_key ? (
                          <>
                            <Text size="sm" fw={500}>
                              key changed
                            </Text>
                            <ValueDiff before={prev.secret_key} after={v.secret_key} />
                          </>
                        ) : null}
                        {prev.secret_value !== v.secret_value ? (
                          <>
                            <Text size="sm" fw={500}>
                              value changed
                            </Text>
                            {reveal ? (
                              <ValueDiff before={prev.secret_value} after={v.secret_value} />
                            ) : (
                              <Text size="sm" c="dimmed">
                                {MASK} (reveal the values to see the change)
                              </Text>
                            )}
                          </>
                        ) : null}
                        {prev.secret_key === v.secret_key && prev.secret_value === v.secret_value ? (
                          <Text size="sm">Nothing changed.</Text>
                        ) : null}
                      </Stack>
                    )}
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
