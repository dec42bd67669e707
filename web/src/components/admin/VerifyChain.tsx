import { Alert, Button, List, Stack } from '@mantine/core';
import { useMutation } from '@tanstack/react-query';
import { api } from '../../api/client.ts';
import { unwrap } from '../../api/errors.ts';
import { ErrorAlert, formatDate } from '../common.tsx';

/** Checks the whole hash chain on the server (what `hush admin audit verify` does) and says what it found. */
export function VerifyChain() {
  const verify = useMutation({
    mutationFn: async () => unwrap(await api.GET('/api/core/audit-log/verify/')),
  });
  return (
    <Stack gap="xs">
      <div>
        <Button variant="light" onClick={() => verify.mutate()} loading={verify.isPending}>
          Verify chain
        </Button>
      </div>
      {verify.isError ? <ErrorAlert error={verify.error} title="The chain could not be checked" /> : null}
      {verify.data ? (
        verify.data.ok ? (
          <Alert color="green" title="The chain is intact" role="status">
            All {verify.data.entries} entries link to the one before and hash to what they record, and the head matches
            the newest (checked {formatDate(verify.data.checked_at)}).
          </Alert>
        ) : (
          <Alert color="red" title="The chain is broken: entries were changed, inserted or removed" role="alert">
            <List size="sm">
              {verify.data.problems.map((p) => (
                <List.Item key={`${p.seq}-${p.problem}`}>
                  Entry {p.seq}: {p.problem}
                </List.Item>
              ))}
            </List>
          </Alert>
        )
      ) : null}
    </Stack>
  );
}
