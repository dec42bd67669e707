import {
  Alert,
  Anchor,
  Breadcrumbs,
  Button,
  Code,
  Group,
  List,
  Stack,
  Switch,
  Text,
  Textarea,
  Title,
} from '@mantine/core';
import { useMutation } from '@tanstack/react-query';
import { useEffect, useState, type FormEvent } from 'react';
import { Link } from 'wouter';
import { lists, type RenderResult } from '../api/lists.ts';
import { ErrorAlert, copyToClipboard } from '../components/common.tsx';

const EXAMPLE = `#cloud-config
write_files:
  - path: /etc/app/env
    content: |
      DB_PASSWORD=\${{ secret.DB_PASSWORD }}
`;

/**
 * The render preview: a cloud-init template in, `POST /api/secrets/render` (what NetActuate does at provisioning)
 * and the text out, or every reference that is missing or unreadable named, nothing rendered. The rendered text
 * holds secrets, so it is hidden until shown and forgotten when the template changes or the page is left.
 */
export function ListsRender() {
  const [template, setTemplate] = useState('');
  const [show, setShow] = useState(false);
  const render = useMutation({ mutationFn: () => lists.render(template) });
  const result: RenderResult | undefined = render.data;
  useEffect(() => {
    render.reset();
    setShow(false);
    // Only a new template makes the old answer stale (`render` itself is a new object at every render).
  }, [template]);
  // The rendered text (secrets) leaves memory with the page.
  const { reset } = render;
  useEffect(() => reset, [reset]);
  const submit = (e: FormEvent) => {
    e.preventDefault();
    render.mutate();
  };
  return (
    <Stack>
      <Breadcrumbs>
        <Anchor component={Link} href="/lists">
          Secret lists
        </Anchor>
        <Text>Render preview</Text>
      </Breadcrumbs>
      <Title order={1}>Render preview</Title>
      <Text size="sm" c="dimmed">
        Paste a cloud-init template: each <code>{'${{secret.KEY}}'}</code> is replaced by the value of KEY from the
        lists you may read; <code>{'$${{'}</code> stays a literal <code>{'${{'}</code>. Every value used is recorded in
        the audit log.
      </Text>
      <form onSubmit={submit}>
        <Stack>
          <Textarea
            label="Template"
            value={template}
            onChange={(e) => setTemplate(e.currentTarget.value)}
            placeholder={EXAMPLE}
            autosize
            minRows={8}
            maxRows={24}
            classNames={{ input: 'hush-value' }}
            spellCheck={false}
            autoComplete="off"
          />
          <Group>
            <Button type="submit" loading={render.isPending} disabled={!template.trim()}>
              Render
            </Button>
          </Group>
        </Stack>
      </form>
      {render.isError ? <ErrorAlert error={render.error} title="Not rendered" /> : null}
      {result && !result.ok ? (
        <Alert color="red" title="Not rendered: references that cannot be resolved" role="alert">
          <Text size="sm">{result.message}</Text>
          <List size="sm" mt="xs">
            {result.missing.map((m) => (
              <List.Item key={`m${m}`}>
                <Code>{m}</Code> is missing (no such key, or in a list you may not read)
              </List.Item>
            ))}
            {result.malformed.map((m) => (
              <List.Item key={`x${m}`}>
                <Code>{m}</Code> is not a reference Hush understands
              </List.Item>
            ))}
          </List>
        </Alert>
      ) : null}
      {result?.ok ? (
        <Stack gap="xs">
          <Group>
            <Text fw={500} role="status">
              Rendered: every reference resolved.
            </Text>
            <Switch label="Show the rendered text" checked={show} onChange={(e) => setShow(e.currentTarget.checked)} />
            <Button
              size="xs"
              variant="default"
              onClick={() => void copyToClipboard(result.rendered, 'The rendered text')}
            >
              Copy
            </Button>
          </Group>
          {show ? (
            <Code block className="hush-value" data-testid="rendered">
              {result.rendered}
            </Code>
          ) : null}
        </Stack>
      ) : null}
    </Stack>
  );
}
