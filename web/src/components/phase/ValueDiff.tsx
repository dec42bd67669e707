import { Code, VisuallyHidden } from '@mantine/core';
import { diffLines, diffWordsWithSpace } from 'diff';

/**
 * The change between two texts (jsdiff): removed parts struck through, added parts underlined (not told apart by
 * colour alone) and each named for a screen reader, by word within a line and by line for multi-line values. Only rendered once the user revealed the values.
 */
export function ValueDiff({ before, after }: { before: string; after: string }) {
  const parts =
    before.includes('\n') || after.includes('\n') ? diffLines(before, after) : diffWordsWithSpace(before, after);
  return (
    <Code block className="hush-value hush-diff">
      {parts.map((p, i) =>
        p.added ? (
          <ins key={i} className="hush-diff-add">
            <VisuallyHidden>added: </VisuallyHidden>
            {p.value}
          </ins>
        ) : p.removed ? (
          <del key={i} className="hush-diff-del">
            <VisuallyHidden>removed: </VisuallyHidden>
            {p.value}
          </del>
        ) : (
          <span key={i}>{p.value}</span>
        ),
      )}
    </Code>
  );
}
