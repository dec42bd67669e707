import './admin.css';
import { Group, Stack, Text, Title } from '@mantine/core';
import type { ReactNode } from 'react';

/** An administration page's title, what it is for, and its main action (offered only when allowed). */
export function PageHeader({ title, intro, action }: { title: string; intro: ReactNode; action?: ReactNode }) {
  return (
    <Stack gap="xs">
      <Group justify="space-between">
        <Title order={1}>{title}</Title>
        {action}
      </Group>
      <Text c="dimmed" size="sm">
        {intro}
      </Text>
    </Stack>
  );
}
