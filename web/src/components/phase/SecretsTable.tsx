import { Button, Group, MultiSelect, Select, Stack, Table, Text, TextInput, VisuallyHidden } from '@mantine/core';
import { useQuery, useQueryClient } from '@tanstack/react-query';
import { useVirtualizer } from '@tanstack/react-virtual';
import { useMemo, useRef, useState } from 'react';
import { phase, type PhaseSecret } from '../../api/phase.ts';
import { useSession } from '../../session.tsx';
import { QueryView } from '../common.tsx';
import { isSealed, maySecrets } from './access.ts';
import { EnvPaste } from './EnvPaste.tsx';
import { OverrideForm } from './OverrideForm.tsx';
import { SecretForm } from './SecretForm.tsx';
import { SecretHistory } from './SecretHistory.tsx';
import { FolderRow, SecretRow, type RowActions } from './SecretRow.tsx';

type Row = { kind: 'folder'; path: string; count: number } | { kind: 'secret'; s: PhaseSecret };
interface Written {
  version: number;
  value: string;
}

/** The value as written, if it was read from the version now listed and differs from the resolved value. */
function writtenOf(w: Written | undefined, s: PhaseSecret): string | undefined {
  return w && w.version === s.version && w.value !== s.value ? w.value : undefined;
}

/** Secrets grouped by folder (path), folders in order, keys in order within each. */
function rowsOf(secrets: PhaseSecret[]): Row[] {
  const byPath = new Map<string, PhaseSecret[]>();
  for (const s of secrets) {
    const list = byPath.get(s.path);
    if (list) list.push(s);
    else byPath.set(s.path, [s]);
  }
  const rows: Row[] = [];
  for (const path of [...byPath.keys()].sort()) {
    const list = byPath.get(path)!.sort((a, b) => a.key.localeCompare(b.key));
    rows.push({ kind: 'folder', path, count: list.length });
    for (const s of list) rows.push({ kind: 'secret', s });
  }
  return rows;
}

/** A folder and every folder below it. */
const inFolder = (path: string, folder: string) =>
  folder === '/' || path === folder || path.startsWith(folder.endsWith('/') ? folder : `${folder}/`);

/**
 * One environment's secrets. Values are masked: a hidden value is not in the page at all (only the mask is), and
 * the answer holding them is dropped from memory as soon as the table is left (gcTime 0). The rows are virtualized
 * (only those in view are in the page), so an environment of thousands of secrets scrolls and filters at once.
 */
export function SecretsTable({ appId, env, envId }: { appId: string; env: string; envId: string }) {
  const { access, me } = useSession();
  const queryClient = useQueryClient();
  const secrets = useQuery({
    queryKey: ['phase', 'secrets', appId, env],
    queryFn: () => phase.secrets(appId, env),
    gcTime: 0,
    staleTime: 0,
  });
  const [revealed, setRevealed] = useState<ReadonlySet<string>>(new Set());
  // Values as written (a reference as `${…}`) of the secrets revealed one by one, where they differ from the resolved,
  // each with the version it was read from: shown only while the listing shows that same version.
  const [written, setWritten] = useState<ReadonlyMap<string, Written>>(new Map());
  // The reveals still wanted, by secret: an answer arriving after Hide (or after a newer reveal) is dropped.
  const wanted = useRef(new Map<string, number>());
  const tickets = useRef(0);
  const [filter, setFilter] = useState('');
  const [folder, setFolder] = useState<string | null>(null);
  const [tags, setTags] = useState<string[]>([]);
  const [editing, setEditing] = useState<{ secret: PhaseSecret | null } | null>(null);
  const [overriding, setOverriding] = useState<PhaseSecret | null>(null);
  const [history, setHistory] = useState<PhaseSecret | null>(null);
  const [pasting, setPasting] = useState(false);

  const mayAdd = maySecrets(access, 'add', envId);
  const mayChange = maySecrets(access, 'change', envId);
  const mayDelete = maySecrets(access, 'delete', envId);

  const all = useMemo(() => secrets.data ?? [], [secrets.data]);
  const folders = useMemo(() => {
    const set = new Set<string>();
    for (const s of all) {
      // Every ancestor is a folder too: /backend/db makes /backend.
      const parts = s.path.split('/').filter(Boolean);
      for (let i = 1; i <= parts.length; i++) set.add(`/${parts.slice(0, i).join('/')}`);
    }
    return [...set].sort();
  }, [all]);
  const tagNames = useMemo(() => [...new Set(all.flatMap((s) => s.tags))].sort(), [all]);

  const visible = useMemo(() => {
    const needle = filter.trim().toLowerCase();
    return all.filter(
      (s) =>
        (!folder || inFolder(s.path, folder)) &&
        (tags.length === 0 || s.tags.some((t) => tags.includes(t))) &&
        (!needle ||
          s.key.toLowerCase().includes(needle) ||
          s.path.toLowerCase().includes(needle) ||
          s.comment.toLowerCase().includes(needle)),
    );
  }, [all, filter, folder, tags]);
  const rows = useMemo(() => rowsOf(visible), [visible]);
  const revealable = visible.filter((s) => !isSealed(s));
  const allRevealed = revealable.length > 0 && revealable.every((s) => revealed.has(s.id));

  const scroller = useRef<HTMLDivElement>(null);
  const virtualizer = useVirtualizer({
    count: rows.length,
    getScrollElement: () => scroller.current,
    estimateSize: (i) => (rows[i]?.kind === 'folder' ? 36 : 56),
    overscan: 12,
    getItemKey: (i) => {
      const r = rows[i]!;
      return r.kind === 'folder' ? `folder:${r.path}` : r.s.id;
    },
  });
  const items = virtualizer.getVirtualItems();
  const padTop = items[0]?.start ?? 0;
  const padBottom = items.length ? virtualizer.getTotalSize() - items[items.length - 1]!.end : 0;

  /**
   * The listing has references resolved; a secret revealed on its own also gets its current version as stored (one
   * read of that version only, audited as a read of that secret), shown when it differs. "Reveal all" does not:
   * that would be a request per row. A sealed secret is never revealed.
   */
  async function showWritten(id: string) {
    const ticket = ++tickets.current;
    wanted.current.set(id, ticket);
    const current = await phase.asWritten(appId, env, id).catch(() => undefined);
    if (wanted.current.get(id) !== ticket || !current) return;
    wanted.current.delete(id);
    setWritten((w) => new Map(w).set(id, { version: current.version, value: current.value }));
  }
  const forget = (ids: Iterable<string>) => {
    for (const id of ids) wanted.current.delete(id);
  };

  const actions: RowActions = {
    mayChange,
    mayDelete,
    mayOverride: me.user.kind !== 'service',
    toggle: (id) => {
      const hiding = revealed.has(id);
      setRevealed((r) => {
        const next = new Set(r);
        if (hiding) next.delete(id);
        else next.add(id);
        return next;
      });
      setWritten((w) => {
        const next = new Map(w);
        next.delete(id);
        return next;
      });
      forget([id]);
      if (!hiding) void showWritten(id);
    },
    edit: (s) => setEditing({ secret: s }),
    override: setOverriding,
    history: setHistory,
    remove: async (s) => {
      await phase.deleteSecrets(appId, env, [s.id]);
      await queryClient.invalidateQueries({ queryKey: ['phase', 'secrets', appId, env] });
    },
  };

  return (
    <Stack>
      <Group justify="space-between" wrap="wrap" align="flex-end">
        <Group gap="xs" wrap="wrap" align="flex-end">
          <TextInput
            placeholder="Filter by key, path or comment"
            aria-label="Filter secrets"
            value={filter}
            onChange={(e) => setFilter(e.currentTarget.value)}
            w={260}
          />
          <Select
            aria-label="Filter by folder"
            placeholder="All folders"
            data={folders}
            value={folder}
            onChange={setFolder}
            clearable
            searchable
            w={180}
          />
          {tagNames.length ? (
            <MultiSelect
              aria-label="Filter by tag"
              placeholder={tags.length ? undefined : 'Any tag'}
              data={tagNames}
              value={tags}
              onChange={setTags}
              clearable
              w={200}
            />
          ) : null}
        </Group>
        <Group gap="xs">
          <Button
            variant="default"
            size="sm"
            disabled={!revealable.length}
            onClick={() => {
              setRevealed(allRevealed ? new Set() : new Set(visible.filter((s) => !isSealed(s)).map((s) => s.id)));
              setWritten(new Map());
              forget([...wanted.current.keys()]);
            }}
          >
            {allRevealed ? 'Hide all' : 'Reveal all'}
          </Button>
          {mayAdd && mayChange ? (
            <Button variant="default" size="sm" onClick={() => setPasting(true)}>
              Paste .env
            </Button>
          ) : null}
          {mayAdd ? (
            <Button size="sm" onClick={() => setEditing({ secret: null })}>
              Add secret
            </Button>
          ) : null}
        </Group>
      </Group>
      <SecretForm
        appId={appId}
        env={env}
        secret={editing?.secret ?? null}
        opened={editing !== null}
        onClose={() => setEditing(null)}
      />
      <OverrideForm appId={appId} env={env} secret={overriding} onClose={() => setOverriding(null)} />
      <SecretHistory appId={appId} env={env} secret={history} mayRestore={mayChange} onClose={() => setHistory(null)} />
      <EnvPaste appId={appId} env={env} folder={folder ?? '/'} opened={pasting} onClose={() => setPasting(false)} />
      <QueryView query={secrets} label={`the secrets of ${env}`}>
        {(list) =>
          list.length === 0 ? (
            <Text c="dimmed">
              No secrets in {env} yet.
              {mayAdd ? ' Add the first with "Add secret", or paste a whole .env file with "Paste .env".' : ''}
            </Text>
          ) : visible.length === 0 ? (
            <Text c="dimmed">No secret matches these filters.</Text>
          ) : (
            <>
              <Text size="xs" c="dimmed" aria-live="polite">
                {visible.length === list.length
                  ? `${list.length} ${list.length === 1 ? 'secret' : 'secrets'}`
                  : `${visible.length} of ${list.length} secrets`}
              </Text>
              {/* A scrollable region the keyboard can reach (tab to it, then arrows/Page Down). */}
              <div className="hush-virtual" ref={scroller} tabIndex={0} role="region" aria-label={`Secrets of ${env}`}>
                <Table highlightOnHover verticalSpacing="xs" aria-rowcount={rows.length + 1}>
                  <Table.Thead className="hush-sticky-head">
                    <Table.Tr>
                      <Table.Th>Key</Table.Th>
                      <Table.Th>Value</Table.Th>
                      <Table.Th className="hush-hide-narrow">Comment</Table.Th>
                      <Table.Th>
                        <VisuallyHidden>Actions</VisuallyHidden>
                      </Table.Th>
                    </Table.Tr>
                  </Table.Thead>
                  <Table.Tbody>
                    {padTop > 0 ? (
                      <tr aria-hidden="true">
                        <td colSpan={4} style={{ height: padTop, padding: 0, border: 0 }} />
                      </tr>
                    ) : null}
                    {items.map((item) => {
                      const row = rows[item.index]!;
                      return row.kind === 'folder' ? (
                        <FolderRow
                          key={item.key}
                          index={item.index}
                          measure={virtualizer.measureElement}
                          path={row.path}
                          count={row.count}
                        />
                      ) : (
                        <SecretRow
                          key={item.key}
                          index={item.index}
                          measure={virtualizer.measureElement}
                          s={row.s}
                          env={env}
                          revealed={revealed.has(row.s.id)}
                          written={revealed.has(row.s.id) ? writtenOf(written.get(row.s.id), row.s) : undefined}
                          actions={actions}
                        />
                      );
                    })}
                    {padBottom > 0 ? (
                      <tr aria-hidden="true">
                        <td colSpan={4} style={{ height: padBottom, padding: 0, border: 0 }} />
                      </tr>
                    ) : null}
                  </Table.Tbody>
                </Table>
              </div>
            </>
          )
        }
      </QueryView>
    </Stack>
  );
}
