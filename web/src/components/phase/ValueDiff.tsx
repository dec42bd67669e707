import { Code } from '@mantine/core';
import { diffLines, diffWordsWithSpace } from 'diff';

/**
 * The change between two texts (jsdiff): removed parts struck through, added parts marked, by word within a line
 * and by line for multi-line values. Only rendered once the user revealed the values.
 */
export function ValueDiff({ before, after }: { before: string; after: string }) {
  const parts =
    before.includes('\n') || after.includes('\n') ? diffLines(before, after) : diffWordsWithSpace(before, after);
  return (
    <Code block className="hush-value hush-diff">
      {parts.map((p, i) =>
        p.added ? (
          <ins key={i} className="hush-diff-add">
            {p.value}
          </ins>
        ) : p.removed ? (
          <del key={i} className="hush-diff-del">
            {p.value}
          </del>
        ) : (
          <span key={i}>{p.value}</span>
        ),
      )}
    </Code>
  );
}
