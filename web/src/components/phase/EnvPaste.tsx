import { Alert, Badge, Button, Group, Modal, Stack, Table, Text, TextInput, Textarea } from '@mantine/core';
import { useMutation, useQueryClient } from '@tanstack/react-query';
import { useEffect, useMemo, useState } from 'react';
import { phase, type ImportPlan } from '../../api/phase.ts';
import { ApiError } from '../../api/errors.ts';
import { ErrorAlert } from '../common.tsx';
import { parseDotenv } from './dotenv.ts';

const COLOR = { create: 'green', update: 'orange', unchanged: 'gray' } as const;
const WORD = { create: 'created', update: 'updated', unchanged: 'unchanged' } as const;

/**
 * Paste a whole `.env`: the preview is the server's own dry run of `POST /v1/secrets/import/` (what it would
 * create, update or leave), and applying is the same request for real: one transaction, all or nothing (a key
 * refused, or a change by someone else since the preview, and nothing is stored). The preview names keys only.
 */
export function EnvPaste(props: { appId: string; env: string; folder: string; opened: boolean; onClose: () => void }) {
  const { appId, env, folder, opened, onClose } = props;
  const queryClient = useQueryClient();
  const [text, setText] = useState('');
  const [path, setPath] = useState(folder);
  const [plan, setPlan] = useState<ImportPlan | null>(null);
  const [done, setDone] = useState<ImportPlan | null>(null);
  // One key per pasted file: a second click (or a retry after a lost answer) is the same import, applied once.
  const [idempotencyKey, setIdempotencyKey] = useState(() => crypto.randomUUID());
  useEffect(() => {
    // The pasted values leave memory with the dialog.
    setText('');
    setPlan(null);
    setDone(null);
    setPath(folder);
    setIdempotencyKey(crypto.randomUUID());
  }, [opened, folder]);
  const parsed = useMemo(() => parseDotenv(text), [text]);
  const items = parsed.entries.map((e) => ({ key: e.key, value: e.value, path: path.trim() || '/' }));

  const preview = useMutation({
    mutationFn: () => phase.importSecrets(appId, env, items, { dryRun: true }),
    onSuccess: (answer) => {
      apply.reset();
      setPlan(answer);
    },
  });
  // The apply carries the preview's revision: if anyone wrote to the environment since, the server refuses (409)
  // rather than overwrite what the preview did not show.
  const apply = useMutation({
    mutationFn: (revision: number) =>
      phase.importSecrets(appId, env, items, { dryRun: false, ifRevision: revision, idempotencyKey }),
    onSuccess: async (answer) => {
      setDone(answer);
      setText('');
      await queryClient.invalidateQueries({ queryKey: ['phase', 'secrets', appId, env] });
    },
    onError: (error) => {
      if (error instanceof ApiError && error.status === 409) {
        // Changed since the preview: that plan is void; the next click previews again (and a new apply is new).
        setPlan(null);
        setIdempotencyKey(crypto.randomUUID());
      }
    },
  });
  // The pasted values are in the mutations' variables and closures: dropped with the dialog.
  useEffect(
    () => () => {
      preview.reset();
      apply.reset();
    },
    [],
  );
  const edited = () => {
    setPlan(null);
    preview.reset();
    apply.reset();
    setIdempotencyKey(crypto.randomUUID());
  };
  const shown = done ?? plan;

  return (
    <Modal opened={opened} onClose={onClose} title={`Paste a .env into ${env}`} size="xl">
      <Stack>
        {done ? (
          <Alert color="green" title="Imported" role="status">
            {done.created} created, {done.updated} updated, {done.unchanged} unchanged.
          </Alert>
        ) : (
          <>
            <Textarea
              label=".env contents"
              description="KEY=value lines; # comments, export and quotes as in dotenv"
              value={text}
              onChange={(e) => {
                setText(e.currentTarget.value);
                edited();
              }}
              autosize
              minRows={6}
              maxRows={16}
              classNames={{ input: 'hush-value' }}
              autoComplete="off"
              spellCheck={false}
              data-autofocus
            />
            <TextInput
              label="Folder"
              value={path}
              onChange={(e) => {
                setPath(e.currentTarget.value);
                edited();
              }}
              w={240}
              autoComplete="off"
              spellCheck={false}
            />
            {parsed.problems.length ? (
              <Alert color="orange" title="Lines that are not KEY=value (left out)">
                {parsed.problems.map((p) => `line ${p.line}: ${p.text}`).join('; ')}
              </Alert>
            ) : null}
          </>
        )}
        {preview.isError ? <ErrorAlert error={preview.error} title="The file cannot be imported" /> : null}
        {apply.isError ? (
          <ErrorAlert
            error={apply.error}
            title={
              apply.error instanceof ApiError && apply.error.status === 409
                ? 'Changed since the preview: preview again'
                : 'Nothing was imported'
            }
          />
        ) : null}
        {shown ? (
          <>
            {!done ? (
              <Text size="sm" aria-live="polite">
                {plan!.created} to create, {plan!.updated} to update, {plan!.unchanged} unchanged.
              </Text>
            ) : null}
            <div className="hush-table-wrap hush-preview">
              <Table aria-label={done ? 'What the import did' : 'What the import will do'}>
                <Table.Thead>
                  <Table.Tr>
                    <Table.Th>Key</Table.Th>
                    <Table.Th>Folder</Table.Th>
                    <Table.Th>{done ? 'Done' : 'Will be'}</Table.Th>
                  </Table.Tr>
                </Table.Thead>
                <Table.Tbody>
                  {shown.secrets.map((s) => (
                    <Table.Tr key={`${s.path} ${s.key}`} data-outcome={s.outcome}>
                      <Table.Td ff="monospace">{s.key}</Table.Td>
                      <Table.Td ff="monospace">{s.path}</Table.Td>
                      <Table.Td>
                        <Badge variant="light" color={COLOR[s.outcome]}>
                          {WORD[s.outcome]}
                        </Badge>
                      </Table.Td>
                    </Table.Tr>
                  ))}
                </Table.Tbody>
              </Table>
            </div>
          </>
        ) : null}
        <Group justify="flex-end">
          <Button variant="default" onClick={onClose}>
            {done ? 'Close' : 'Cancel'}
          </Button>
          {done ? null : plan ? (
            <Button
              onClick={() => apply.mutate(plan.revision)}
              loading={apply.isPending}
              disabled={plan.created + plan.updated === 0}
            >
              Apply {plan.created + plan.updated} {plan.created + plan.updated === 1 ? 'change' : 'changes'}
            </Button>
          ) : (
            <Button onClick={() => preview.mutate()} loading={preview.isPending} disabled={!items.length}>
              Preview {items.length ? `${items.length} ${items.length === 1 ? 'key' : 'keys'}` : ''}
            </Button>
          )}
        </Group>
      </Stack>
    </Modal>
  );
}
