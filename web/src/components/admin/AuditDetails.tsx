import { Code, Modal, Table } from '@mantine/core';
import type { operations } from '../../api/schema';
import { formatDate } from '../common.tsx';

export type AuditEntry =
  operations['audit_log_list']['responses'][200]['content']['application/json']['results'][number];

/** Everything one entry records (never a secret value: the log holds none). */
export function AuditDetails({ entry, onClose }: { entry: AuditEntry | null; onClose: () => void }) {
  const rows: [string, string][] = entry
    ? [
        ['Entry', String(entry.seq)],
        ['Time', `${formatDate(entry.time)} (${entry.time})`],
        ['Actor', entry.actor ? `${entry.actor.username ?? '(deleted user)'} (user ${entry.actor.id})` : 'the system'],
        ['Token', entry.token_id === null ? '— (password session or operator)' : `token ${entry.token_id}`],
        ['Engine', entry.engine],
        ['Action', entry.action],
        ['Object', entry.object_type ? `${entry.object_type} ${entry.object_id ?? ''}` : '—'],
        ['Client address', entry.client_ip ?? '—'],
        ['Request id', entry.request_id ?? '—'],
        ['Hash', entry.hash],
      ]
    : [];
  return (
    <Modal opened={entry !== null} onClose={onClose} title={entry ? `Audit entry ${entry.seq}` : ''} size="lg">
      <Table aria-label="Entry fields">
        <Table.Tbody>
          {rows.map(([k, v]) => (
            <Table.Tr key={k}>
              <Table.Th scope="row">{k}</Table.Th>
              <Table.Td className="hush-value">{v}</Table.Td>
            </Table.Tr>
          ))}
          <Table.Tr>
            <Table.Th scope="row">Details</Table.Th>
            <Table.Td>
              <Code block className="hush-value">
                {entry ? JSON.stringify(entry.details, null, 2) : ''}
              </Code>
            </Table.Td>
          </Table.Tr>
        </Table.Tbody>
      </Table>
    </Modal>
  );
}
