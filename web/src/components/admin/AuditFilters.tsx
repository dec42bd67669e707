import { Button, Group, Select, TextInput } from '@mantine/core';
import { useState, type FormEvent } from 'react';

export interface AuditFilter {
  actor?: string;
  engine?: string;
  action?: string;
  object_type?: string;
  object_id?: string;
  since?: string;
  until?: string;
}

/** `datetime-local` (the browser's local time) to the ISO instant the API filters on. */
const toIso = (local: string) => (local ? new Date(local).toISOString() : undefined);

/** The audit log's filters; applied on submit, so typing does not query the log at every key. */
export function AuditFilters({ engines, onApply }: { engines: string[]; onApply: (filter: AuditFilter) => void }) {
  const [actor, setActor] = useState('');
  const [engine, setEngine] = useState<string | null>(null);
  const [action, setAction] = useState('');
  const [objectType, setObjectType] = useState('');
  const [objectId, setObjectId] = useState('');
  const [since, setSince] = useState('');
  const [until, setUntil] = useState('');
  const submit = (e: FormEvent) => {
    e.preventDefault();
    const filter: AuditFilter = {};
    const put = (key: keyof AuditFilter, value: string | null | undefined) => {
      if (value && value.trim()) filter[key] = value.trim();
    };
    put('actor', actor);
    put('engine', engine);
    put('action', action);
    put('object_type', objectType);
    put('object_id', objectId);
    put('since', toIso(since));
    put('until', toIso(until));
    onApply(filter);
  };
  const clear = () => {
    for (const set of [setActor, setAction, setObjectType, setObjectId, setSince, setUntil]) set('');
    setEngine(null);
    onApply({});
  };
  return (
    <form onSubmit={submit} aria-label="Filter the audit log" className="hush-filters">
      <TextInput
        label="Actor"
        placeholder="username or id"
        value={actor}
        onChange={(e) => setActor(e.currentTarget.value)}
      />
      <Select label="Engine" placeholder="any" data={engines} value={engine} onChange={setEngine} clearable />
      <TextInput
        label="Action"
        placeholder="e.g. secret.read"
        value={action}
        onChange={(e) => setAction(e.currentTarget.value)}
      />
      <TextInput
        label="Object type"
        placeholder="e.g. phase.secret"
        value={objectType}
        onChange={(e) => setObjectType(e.currentTarget.value)}
      />
      <TextInput label="Object id" value={objectId} onChange={(e) => setObjectId(e.currentTarget.value)} />
      <TextInput label="From" type="datetime-local" value={since} onChange={(e) => setSince(e.currentTarget.value)} />
      <TextInput label="Until" type="datetime-local" value={until} onChange={(e) => setUntil(e.currentTarget.value)} />
      <Group gap="xs" align="flex-end" className="hush-filters-actions">
        <Button type="submit">Filter</Button>
        <Button variant="default" onClick={clear}>
          Clear
        </Button>
      </Group>
    </form>
  );
}
