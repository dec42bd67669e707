import { Badge, Button, Code, Group, Table, Text, VisuallyHidden } from '@mantine/core';
import type { PhaseSecret } from '../../api/phase.ts';
import { ConfirmButton, copyToClipboard } from '../common.tsx';
import { isSealed } from './access.ts';

export const MASK = '••••••••';

export interface RowActions {
  mayChange: boolean;
  mayDelete: boolean;
  /** Overrides are a person's own; service accounts have none (docs/wire/phase.md §1.5). */
  mayOverride: boolean;
  toggle: (id: string) => void;
  edit: (s: PhaseSecret) => void;
  override: (s: PhaseSecret) => void;
  history: (s: PhaseSecret) => void;
  remove: (s: PhaseSecret) => Promise<void>;
}

/** A folder of the table: the secrets below it share its path. */
export function FolderRow(props: {
  path: string;
  count: number;
  index: number;
  measure: (el: Element | null) => void;
}) {
  const { path, count, index, measure } = props;
  return (
    <Table.Tr className="hush-folder-row" data-index={index} aria-rowindex={index + 2} ref={measure}>
      <Table.Td colSpan={4}>
        <Text size="sm" fw={600} ff="monospace">
          <span aria-hidden="true">▸ </span>
          {path}{' '}
          <Text span size="xs" c="dimmed">
            ({count} {count === 1 ? 'secret' : 'secrets'})
          </Text>
        </Text>
      </Table.Td>
    </Table.Tr>
  );
}

/**
 * One secret. Hidden, only the mask is in the page; revealed, the shared value (references resolved by the server)
 * and, beside it, the user's own override when there is one.
 */
export function SecretRow(props: {
  s: PhaseSecret;
  env: string;
  revealed: boolean;
  /** The value as written, when it holds references (so differs from the resolved one); only while revealed. */
  written: string | undefined;
  actions: RowActions;
  index: number;
  measure: (el: Element | null) => void;
}) {
  const { s, env, written, actions, index, measure } = props;
  const sealed = isSealed(s);
  const revealed = props.revealed && !sealed;
  return (
    <Table.Tr data-key={s.key} data-index={index} aria-rowindex={index + 2} ref={measure}>
      <Table.Td>
        <Text ff="monospace" size="sm" fw={500}>
          {s.key}
        </Text>
        <Group gap={4} mt={2}>
          {s.tags.map((t) => (
            <Badge key={t} variant="light" size="xs">
              {t}
            </Badge>
          ))}
          {s.override ? (
            <Badge variant="outline" color={s.override.isActive ? 'grape' : 'gray'} size="xs">
              {s.override.isActive ? 'your override' : 'your override (off)'}
            </Badge>
          ) : null}
        </Group>
      </Table.Td>
      <Table.Td>
        {revealed ? (
          <>
            <Code className="hush-value" data-testid="secret-value">
              {s.value}
            </Code>
            {written !== undefined ? (
              <Text size="xs" mt={4}>
                As written:{' '}
                <Code className="hush-value" data-testid="row-as-written">
                  {written}
                </Code>
              </Text>
            ) : null}
            {s.override ? (
              <Text size="xs" mt={4}>
                {s.override.isActive ? 'Yours: ' : 'Yours (off): '}
                <Code className="hush-value" data-testid="override-value">
                  {s.override.value}
                </Code>
              </Text>
            ) : null}
          </>
        ) : (
          <Text size="sm">
            <span aria-hidden="true">{MASK}</span>
            <VisuallyHidden>{sealed ? 'sealed value, not shown' : 'hidden value'}</VisuallyHidden>
          </Text>
        )}
      </Table.Td>
      <Table.Td className="hush-hide-narrow">
        <Text size="sm">{s.comment}</Text>
      </Table.Td>
      <Table.Td>
        <Group gap={4} wrap="wrap" justify="flex-end">
          {sealed ? (
            <Badge variant="light" color="gray" size="sm">
              sealed
            </Badge>
          ) : (
            <>
              <Button
                variant="subtle"
                size="xs"
                onClick={() => actions.toggle(s.id)}
                aria-label={`${revealed ? 'Hide' : 'Reveal'} ${s.key}`}
              >
                {revealed ? 'Hide' : 'Reveal'}
              </Button>
              <Button
                variant="subtle"
                size="xs"
                onClick={() => void copyToClipboard(s.value, s.key)}
                aria-label={`Copy ${s.key}`}
              >
                Copy
              </Button>
            </>
          )}
          <Button variant="subtle" size="xs" onClick={() => actions.history(s)} aria-label={`History of ${s.key}`}>
            History
          </Button>
          {actions.mayChange ? (
            <Button variant="subtle" size="xs" onClick={() => actions.edit(s)} aria-label={`Edit ${s.key}`}>
              Edit
            </Button>
          ) : null}
          {actions.mayChange && actions.mayOverride ? (
            <Button
              variant="subtle"
              size="xs"
              onClick={() => actions.override(s)}
              aria-label={`Personal override of ${s.key}`}
            >
              Override
            </Button>
          ) : null}
          {actions.mayDelete ? (
            <ConfirmButton
              label="Delete"
              ariaLabel={`Delete ${s.key}`}
              title={`Delete ${s.key}?`}
              message={`${s.key} is deleted from ${env}. Scripts and services reading it will no longer find it.`}
              confirm="Delete secret"
              onConfirm={() => actions.remove(s)}
            />
          ) : null}
        </Group>
      </Table.Td>
    </Table.Tr>
  );
}
